"""Appointments as an iCalendar file for a phone or a calendar program (see ``ics``)."""
