"""The network around the cases: the directory of offices, initiatives and contact persons, needs and
offers and their matches, short projects, volunteers' hours and certificates, and anonymous statistics.

Every record here travels (the change log), so it reaches the other laptops with the exchange bundles.
"""
