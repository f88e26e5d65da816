//! Configuration file and tenant profiles.
