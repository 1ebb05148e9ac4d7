from django.core.management.base import BaseCommand, CommandError

from trading.selectors import ledger_problems


class Command(BaseCommand):
    help = (
        "Verify that every journal entry balances, every cached balance equals its "
        "ledger lines and all accounts sum to zero; exit non-zero on any mismatch."
    )

    def handle(self, *args, **options):
        problems = ledger_problems()
        for problem in problems:
            self.stderr.write(f"{problem.what}: {problem.detail}")
        if problems:
            raise CommandError(f"The ledger has {len(problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS("The ledger balances."))
