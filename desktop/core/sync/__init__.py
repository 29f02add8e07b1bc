"""Exchange of case bundles between laptops."""
