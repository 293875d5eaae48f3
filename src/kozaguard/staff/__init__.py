"""Staff of the broker: their accounts (on the product's own identity services) and their roles."""
