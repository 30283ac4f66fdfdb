"""Personal data: a person downloads what the intranet holds about them; a site admin erases
a former employee's personal data."""
