"""The identity use cases, one module per area; `IdentityService` combines them."""
