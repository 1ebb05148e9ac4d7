from rest_framework import serializers

from education.models import Question


class CategoryOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class GuideProgressOutputSerializer(serializers.Serializer):
    read = serializers.BooleanField()
    completed = serializers.BooleanField()
    best_percent = serializers.IntegerField(allow_null=True)


class GuideOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    category = CategoryOutputSerializer()
    position = serializers.IntegerField(help_text="The guide's number along the learning path.")
    reading_minutes = serializers.IntegerField()
    has_quiz = serializers.BooleanField()
    url = serializers.CharField(help_text="The guide's page.")
    progress = GuideProgressOutputSerializer(
        allow_null=True, help_text="Yours when you are signed in; null otherwise."
    )


class TryItOutputSerializer(serializers.Serializer):
    instrument = serializers.CharField()
    side = serializers.CharField()
    type = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=28, decimal_places=8)
    price = serializers.DecimalField(max_digits=28, decimal_places=8, allow_null=True)
    stop_loss_pct = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    take_profit_pct = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    label = serializers.CharField()


class QuizSummaryOutputSerializer(serializers.Serializer):
    title = serializers.CharField()
    pass_percent = serializers.IntegerField()
    question_count = serializers.IntegerField()


class GuideDetailOutputSerializer(GuideOutputSerializer):
    markdown = serializers.CharField(help_text="The guide as written, in Markdown.")
    html = serializers.CharField(
        help_text="Sanitised HTML with glossary terms linked and try-it tickets rendered."
    )
    tryits = TryItOutputSerializer(
        many=True, help_text="The orders the guide invites you to place, stops in percent."
    )
    glossary_terms = serializers.ListField(
        child=serializers.CharField(), help_text="Slugs of the glossary terms linked."
    )
    quiz = QuizSummaryOutputSerializer(allow_null=True)
    disclaimer = serializers.CharField()


class GlossaryTermOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    term = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField(), source="alias_list")
    short_definition = serializers.CharField()
    body = serializers.CharField(help_text="Markdown.")


class ChoiceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuestionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    prompt = serializers.CharField(help_text="Markdown.")
    unit = serializers.CharField()
    choices = ChoiceOutputSerializer(many=True, help_text="Empty for a numeric question.")


class QuizOutputSerializer(serializers.Serializer):
    guide = serializers.CharField(source="guide.slug")
    title = serializers.CharField()
    pass_percent = serializers.IntegerField()
    questions = QuestionOutputSerializer(many=True)


class QuizAnswersInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(max_length=40, allow_blank=True),
        allow_empty=False,
        help_text='Question id to answer: a choice id, or a number ("103960.40").',
    )


class QuestionResultOutputSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    given = serializers.CharField()
    correct = serializers.BooleanField()
    answer = serializers.CharField(help_text="The right choice's id, or the right number.")
    explanation = serializers.CharField(help_text="Markdown.")


class QuizAttemptOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    guide = serializers.CharField()
    correct = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    passed = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    results = QuestionResultOutputSerializer(many=True)


class ReadOutputSerializer(serializers.Serializer):
    guide = serializers.CharField()
    read_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


class ProgressOutputSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    read = serializers.IntegerField()
    completed = serializers.IntegerField()
    percent = serializers.IntegerField()
    next_guide = serializers.CharField(allow_null=True, help_text="The next guide's slug.")
    guides = GuideOutputSerializer(many=True)
