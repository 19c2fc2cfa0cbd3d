"""`python manage.py gdpr_export <email|id> [--output FILE]`: a GDPR Art. 15/20 export of
everything held about a person, recorded as a completed DataSubjectRequest."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.choices import DataSubjectRequestSource, DataSubjectRequestType
from compliance.selectors import export_file_read, request_target_resolve
from compliance.services import data_subject_request_create, data_subject_request_execute


class Command(BaseCommand):
    help = (
        "Export everything held about a person (customer id or email address) as JSON. The "
        "export is written to GDPR_EXPORT_DIR and recorded as a completed request; --output "
        "also writes it to FILE ('-' for standard output)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subject", help="Customer id or email address.")
        parser.add_argument(
            "--output", default="", help="Also write the export here ('-': stdout)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            customer, email = request_target_resolve(identifier=options["subject"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        request = data_subject_request_create(
            request_type=DataSubjectRequestType.EXPORT,
            source=DataSubjectRequestSource.COMMAND,
            customer=customer,
            email=email,
            execute=False,
        )
        request = data_subject_request_execute(request_id=request.pk)
        document = export_file_read(request=request)
        assert document is not None
        output = options["output"]
        if output == "-":
            self.stdout.write(json.dumps(document, indent=2, sort_keys=True))
            return
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=2, sort_keys=True)
        for label, count in sorted(document["counts"].items()):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(
            f"request {request.pk}: export {request.evidence['export_file']}"
            + (f", written to {output}" if output else "")
        )
