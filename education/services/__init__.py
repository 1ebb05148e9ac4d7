"""The only code in education that writes: one function per use case, one transaction each."""

from education.services.guides import (
    glossary_term_save,
    guide_mark_read,
    guide_save,
    guides_seed,
    quiz_submit,
)

__all__ = [
    "glossary_term_save",
    "guide_mark_read",
    "guide_save",
    "guides_seed",
    "quiz_submit",
]
