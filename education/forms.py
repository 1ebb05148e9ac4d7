"""The quiz form: one field per question; the service scores it."""

from django import forms
from django.core.exceptions import ValidationError

from config.forms import ServiceErrorsMixin
from education.models import Question, Quiz
from education.services.guides import NOT_A_NUMBER, numeric_answer

FIELD_PREFIX = "q"


def validate_number(value: str) -> None:
    if numeric_answer(value) is None:
        raise ValidationError(NOT_A_NUMBER, code="invalid")


class QuizForm(ServiceErrorsMixin, forms.Form):
    """Radio buttons for a multiple-choice question, a text box for a numeric one."""

    def __init__(self, *args, quiz: Quiz, **kwargs):
        super().__init__(*args, **kwargs)
        self.quiz = quiz
        self.questions = list(quiz.questions.all())
        for number, question in enumerate(self.questions, start=1):
            name = f"{FIELD_PREFIX}{question.pk}"
            required = {"required": "Answer this question."}
            if question.kind == Question.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=f"Question {number}",
                    choices=[(str(c.pk), c.text) for c in question.choices.all()],
                    widget=forms.RadioSelect,
                    error_messages={**required, "invalid_choice": "Pick one of the choices."},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=f"Question {number}",
                    max_length=40,
                    validators=[validate_number],
                    error_messages=required,
                    help_text=f"A number{f', in {question.unit}' if question.unit else ''}.",
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )

    def question_fields(self):
        """Pairs of (question, bound field) in order, for the template."""
        return [(q, self[f"{FIELD_PREFIX}{q.pk}"]) for q in self.questions]

    def answers(self) -> dict[str, str]:
        return {name.removeprefix(FIELD_PREFIX): value for name, value in self.cleaned_data.items()}

    def add_service_error(self, error) -> None:
        fields = getattr(error, "fields", None)
        if fields:
            error.fields = {
                (f"{FIELD_PREFIX}{key}" if key.isdigit() else key): messages
                for key, messages in fields.items()
            }
        super().add_service_error(error)
