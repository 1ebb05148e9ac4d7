import factory

from accounts import services
from accounts.models import ApiKey, User


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a funded paper account, made through the same service as signup."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"trader{n}@example.com")
    display_name = factory.Faker("name")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def paper_account(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from trading.services import paper_account_open

            paper_account_open(user=self)


def api_key_issue(*, user, scope=ApiKey.Scope.TRADE, name="bot") -> services.IssuedApiKey:
    return services.api_key_create(user=user, name=name, scope=scope)
