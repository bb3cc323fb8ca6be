"""Resource directory (HSDS 3.0): organizations, services, locations."""
