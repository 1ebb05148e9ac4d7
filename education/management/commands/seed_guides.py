"""Load the shipped learning path, glossary and quizzes; a second run changes nothing."""

from django.core.management.base import BaseCommand

from education.services import guides_seed


class Command(BaseCommand):
    help = (
        "Load the guides, glossary and quizzes shipped under education/content/. New rows "
        "are created and rows the files changed are updated, but a row staff have edited "
        "in the admin is kept as they left it."
    )

    def handle(self, *args, **options):
        report = guides_seed()
        for line in report.lines:
            self.stdout.write(self.style.SUCCESS(line) if line.startswith("C") else line)
        if not report.lines:
            self.stdout.write("The guides are already in place; nothing to change.")
