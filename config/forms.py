"""Form helpers every app's pages share."""

from django.core.exceptions import ValidationError

from config.errors import DomainError


class ServiceErrorsMixin:
    """Show a service's refusal on the form, next to the field it names."""

    def add_service_error(self, error: DomainError | ValidationError) -> None:
        """Turn a ``DomainError`` or a model ``ValidationError`` into form errors.

        Messages about a field the form shows go next to it; anything else goes to
        the top of the form, so a refusal is never lost or turned into a 500.
        """
        if isinstance(error, DomainError):
            by_field, summary = error.fields or {None: [error.message]}, error.message
        elif hasattr(error, "error_dict"):
            by_field, summary = error.message_dict, None
        else:
            by_field, summary = {None: error.messages}, None
        unplaced = False
        for name, messages in by_field.items():
            if name is not None and name in self.fields:
                self.add_error(name, list(messages))
            elif summary is None:
                self.add_error(None, list(messages))
            else:
                unplaced = True
        if unplaced:
            self.add_error(None, summary)
