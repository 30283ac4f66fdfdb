"""`manage.py import_people people.csv`: directory sync from an HR export."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from profiles.actions import IMPORT_COLUMNS, OPTIONAL_IMPORT_COLUMNS, import_people


class Command(BaseCommand):
    help = (
        "Create or update people, their departments and managers from a CSV file with the "
        f"columns {', '.join(IMPORT_COLUMNS)} and optionally {', '.join(OPTIONAL_IMPORT_COLUMNS)} "
        "(yes/no: people with 'no' are deactivated as leavers, their pages going to their "
        "manager). Nothing is applied if any row is bad."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, change nothing."
        )

    def handle(self, *args, csv_file: str, dry_run: bool, **options) -> None:
        try:
            with open(csv_file, encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {csv_file}: {exc}") from exc
        report = import_people(text, dry_run=dry_run)
        if not report.ok:
            lines = [f"line {line}: {message}" for line, message in report.errors]
            raise CommandError(
                f"{len(report.errors)} row(s) have errors; nothing was changed.\n"
                + "\n".join(lines)
            )
        summary = (
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.skipped)} skipped"
        )
        for label, names in (
            ("deactivated", report.deactivated),
            ("reactivated", report.reactivated),
        ):
            if names:
                summary += f", {len(names)} {label}"
        if dry_run:
            self.stdout.write(f"Dry run, nothing changed: {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
        if options["verbosity"] > 1:
            for label, names in (
                ("created", report.created),
                ("updated", report.updated),
                ("deactivated", report.deactivated),
                ("reactivated", report.reactivated),
            ):
                for name in names:
                    self.stdout.write(f"  {label}: {name}")
