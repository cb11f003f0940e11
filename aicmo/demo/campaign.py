"""The demo's campaign: three steps over a week, email first and falling back to LinkedIn and contact forms."""

from typing import Any

from aicmo.cam.costs.schemas import CostsUpdate

DEMO_CAMPAIGN: dict[str, Any] = {
    "name": "Demo: Q1 outbound",
    "description": "Day 0 email (A/B), day 3 LinkedIn, day 7 follow-up email",
    "audience": {"grades": ["A", "B", "C"], "statuses": ["new"]},
    "steps": [
        {
            "channels": ["email", "linkedin", "contact_form"],
            "subject": "{Quick question|An idea} for {{ company }}",
            "variants": [
                {"name": "a", "body": "{Hi|Hello} {{ first_name | default('there') }},\n\n"
                                      "Teams like {{ company }} use aicmo to find and reach the right buyers "
                                      "without a stack of tools. Worth a 15-minute look?\n\n{{ sender.name }}"},
                {"name": "b", "body": "{Hi|Hello} {{ first_name | default('there') }},\n\n"
                                      "As {{ title | default('a leader') }} at {{ company }}, how do you keep "
                                      "outbound personal at scale? I have two ideas to share.\n\n{{ sender.name }}"},
            ],
        },
        {
            "channels": ["linkedin"],
            "delay_hours": 72,
            "body": "Hi {{ first_name | default('there') }}, I wrote to you about outbound at {{ company }}; "
                    "happy to connect here.",
        },
        {
            "channels": ["email", "contact_form"],
            "delay_hours": 96,
            "subject": "Re: {{ company }}",
            "body": "{{ first_name | default('Hi') }}, following up on my note from last week. Is outbound on your "
                    "list this quarter?\n\n{{ sender.name }}",
        },
    ],
    "send_window": {"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00", "timezone": "UTC"},
    "sender": {"name": "Alex Rivera", "email": "alex@aicmo-demo.example", "company": "aicmo"},
}

# What a small team might pay (EUR): a sending tool per message and a mailbox a month; a LinkedIn seat a month; an
# operator's minutes on each LinkedIn step and hand-sent contact form.
DEMO_COSTS = CostsUpdate.model_validate({"currency": "EUR", "channels": {
    "email": {"per_message": "0.01", "per_month": "25"},
    "linkedin": {"per_month": "79.99", "seats": 1, "task_minutes": 3, "hourly_rate": "40"},
    "contact_form": {"task_minutes": 5, "hourly_rate": "40"}}})
