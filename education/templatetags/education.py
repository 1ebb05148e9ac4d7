from django import template
from django.utils.safestring import mark_safe

from education.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Render short Markdown (a quiz prompt, an explanation) to sanitised HTML."""
    return mark_safe(render_markdown(text or "").html)  # noqa: S308 (sanitised by nh3)
