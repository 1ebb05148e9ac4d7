"""Pure pricing core: feeds, marks and option prices; no Django, no I/O, no clock."""
