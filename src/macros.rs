//! The crate's one macro: an enum of wire strings (reason codes, error codes).

/// A fieldless enum whose values are wire strings: the enum, `ALL`, `as_str`, `name` (the Rust
/// name, which the JS glue uses), `from_code`, and `Display` and `Serialize` as the string.
macro_rules! wire_strings {
    ($(#[$meta:meta])* $Enum:ident { $($(#[$doc:meta])* $name:ident = $code:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $Enum {
            $($(#[$doc])* $name,)*
        }

        impl $Enum {
            /// Every value, in declaration order.
            pub const ALL: &'static [$Enum] = &[$($Enum::$name,)*];

            /// The wire string.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($Enum::$name => $code,)*
                }
            }

            /// The Rust name of the value, e.g. `InvalidArgument`.
            pub const fn name(self) -> &'static str {
                match self {
                    $($Enum::$name => stringify!($name),)*
                }
            }

            /// The value with this wire string, if there is one.
            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some($Enum::$name),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $Enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $Enum {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}
