"""`python manage.py gdpr_erase <email|id> [--yes]`: a GDPR Art. 17 erasure of a person, with
its evidence recorded as a completed DataSubjectRequest. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.choices import DataSubjectRequestSource, DataSubjectRequestType
from compliance.selectors import request_target_resolve, subject_holdings_counts
from compliance.services import data_subject_request_create, data_subject_request_execute


class Command(BaseCommand):
    help = (
        "Erase a person's personal data everywhere (customer id or email address): rows that "
        "exist only for them are deleted, orders and payments are kept but pseudonymised, audit "
        "entries and webhook payloads are redacted. Asks for confirmation unless --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subject", help="Customer id or email address.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            customer, email = request_target_resolve(identifier=options["subject"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        counts = subject_holdings_counts(customer=customer, email=email)
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{label}: {count} rows")
        if not options["yes"]:
            answer = input("Type 'erase' to erase this person's data irreversibly: ")
            if answer.strip() != "erase":
                raise CommandError("Not confirmed; nothing was erased.")
        request = data_subject_request_create(
            request_type=DataSubjectRequestType.ERASURE,
            source=DataSubjectRequestSource.COMMAND,
            customer=customer,
            email=email,
            execute=False,
        )
        request = data_subject_request_execute(request_id=request.pk)
        for label, done in sorted(request.evidence["tables"].items()):
            summary = ", ".join(f"{how} {count}" for how, count in sorted(done.items()))
            self.stdout.write(f"{label}: {summary}")
        self.stdout.write(f"request {request.pk}: erased {request.evidence['rows']} rows")
