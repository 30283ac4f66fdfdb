"""Directory sync: SCIM 2.0 (/scim/v2/) for Entra ID, Okta and other identity providers."""
