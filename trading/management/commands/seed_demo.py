"""Create the demo and admin logins and the first instruments; a second run changes nothing."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from education.services import guides_seed
from market.demo import demo_instruments_seed
from trading.services import paper_account_open

# Well-known logins for a laptop; dev.py prints them. Never seed a public server.
DEMO_EMAIL = "demo@shortbook.local"
DEMO_PASSWORD = "shortbook-demo"  # noqa: S105 (public on purpose)
DEMO_DISPLAY_NAME = "Demo Trader"
ADMIN_EMAIL = "admin@shortbook.local"
ADMIN_PASSWORD = "shortbook-admin"  # noqa: S105 (public on purpose)
PRODUCTION_SETTINGS = "config.settings.production"

class Command(BaseCommand):
    help = (
        "Create the demo login (demo@shortbook.local), the admin login "
        "(admin@shortbook.local) and the first instruments, if missing. Existing rows "
        "are left as they are, so staff changes survive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even under production settings (the passwords are public).",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.SETTINGS_MODULE == PRODUCTION_SETTINGS and not allow_production:
            raise CommandError(
                "Refusing to create logins with well-known passwords under production "
                "settings; pass --allow-production if you really mean it."
            )
        with transaction.atomic():
            created = [
                *self._user(email=ADMIN_EMAIL, password=ADMIN_PASSWORD, superuser=True),
                *self._user(
                    email=DEMO_EMAIL, password=DEMO_PASSWORD, display_name=DEMO_DISPLAY_NAME
                ),
                *demo_instruments_seed(),
                *guides_seed().summary,
            ]
        for line in created:
            self.stdout.write(self.style.SUCCESS(f"Created {line}"))
        if not created:
            self.stdout.write("The demo data is already in place; nothing to create.")

    def _user(self, *, email, password, superuser=False, display_name=""):
        User = get_user_model()
        created = []
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            create = User.objects.create_superuser if superuser else User.objects.create_user
            user = create(email, password, display_name=display_name)
            created.append(f"{'admin' if superuser else 'demo'} login {email} / {password}")
        _, address_created = EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": True}
        )
        if address_created and not created:
            created.append(f"verified email address {email}")
        paper_account_open(user=user)
        return created
