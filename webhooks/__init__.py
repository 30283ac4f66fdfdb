"""Webhooks: site admins register URLs that hear of events (posts published, pages changed,
members joined, comments posted), signed, retried and logged."""
