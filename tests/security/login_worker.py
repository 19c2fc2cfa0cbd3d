"""A separate worker process making login attempts against the shared PostgreSQL and Redis.

    python -m tests.security.login_worker '<json>'

The JSON holds `start_at` (a Unix time: every worker starts together) and `attempts`, each
{"channel": "api"|"admin", "email", "password", "otp", "addr", "xff"}. Prints one JSON line:
the status code of each attempt."""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    import django

    django.setup()
    from django.test import Client
    from rest_framework.test import APIClient

    job = json.loads(sys.argv[1])
    time.sleep(max(0.0, job["start_at"] - time.time()))
    statuses = []
    for attempt in job["attempts"]:
        meta = {"REMOTE_ADDR": attempt["addr"]}
        if attempt.get("xff"):
            meta["HTTP_X_FORWARDED_FOR"] = attempt["xff"]
        if attempt["channel"] == "api":
            body = {k: attempt[k] for k in ("email", "password", "otp") if attempt.get(k)}
            api_response = APIClient().post("/api/v1/auth/token", body, format="json", **meta)
            statuses.append(api_response.status_code)
        else:
            client = Client()
            response = client.post(
                "/admin/login/",
                {
                    "username": attempt["email"],
                    "password": attempt["password"],
                    "otp_token": attempt.get("otp", ""),
                    "next": "/admin/",
                },
                **meta,
            )
            # 302 = logged in; 200 = the form again with an error.
            statuses.append(response.status_code)
    print(json.dumps({"statuses": statuses}))


if __name__ == "__main__":
    main()
