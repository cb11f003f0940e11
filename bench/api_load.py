"""The second process of bench/api.py: keeps the server busy with the measured requests until stdin closes.

    python bench/api_load.py BASE_URL API_KEY LEADS CAMPAIGNS CLIENTS
"""

import random
import sys
import threading

import httpx


def hammer(base: str, key: str, leads: int, campaigns: int, seed: int, stop: threading.Event) -> None:
    rand = random.Random(seed)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
        while not stop.is_set():
            pick = rand.random()
            if pick < 0.5:
                client.get("/api/leads", params={"grade": "A", "page": rand.randint(1, 100), "per_page": 50})
            elif pick < 0.9:
                client.get(f"/api/leads/{rand.randint(1, leads)}/timeline")
            else:
                client.get(f"/api/campaigns/{rand.randint(1, campaigns)}/report")


def main() -> None:
    base, key = sys.argv[1], sys.argv[2]
    leads, campaigns, clients = (int(value) for value in sys.argv[3:6])
    stop = threading.Event()
    threads = [threading.Thread(target=hammer, args=(base, key, leads, campaigns, seed, stop), daemon=True)
               for seed in range(clients)]
    for thread in threads:
        thread.start()
    sys.stdin.read()  # until the parent closes it
    stop.set()


if __name__ == "__main__":
    main()
