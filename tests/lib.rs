//! Cross-crate tests of sip-client live in `tests/tests/`.
