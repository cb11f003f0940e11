"""The demo's campaign: three steps over a week, email first and falling back to LinkedIn and contact forms."""

from typing import Any

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
