import zoneinfo

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("%(value)s is not a known time zone.", params={"value": value})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who learns on Shortbook; the email address is the login."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]


class ApiKey(models.Model):
    """A key a trading bot sends as ``Authorization: Api-Key <key>``.

    Only a SHA-256 digest of the secret is stored; the whole key is shown once, when
    it is created. ``prefix`` is public and finds the row without a scan.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        TRADE = "trade", "Read and trade"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=["read", "trade"]), name="accounts_apikey_scope_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# Bots' requests authenticate from a cached copy of the key and its user
# (services.api_key_authenticate). Any change to either, through a service or the
# admin, must reach the next request: forget the copy once the change commits.


@receiver([post_save, post_delete], sender=ApiKey)
def _api_key_changed(sender, instance, created=False, **kwargs):
    if created:
        return  # Nothing has cached a key that did not exist.
    from accounts.services import api_key_forget

    api_key_forget(prefixes=[instance.prefix])


@receiver(post_save, sender=User)
def _user_changed(sender, instance, created, update_fields=None, **kwargs):
    # A new user has no keys; signing in writes last_login alone, which no key depends on.
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    from accounts.services import api_key_forget

    api_key_forget(prefixes=instance.api_keys.values_list("prefix", flat=True))
