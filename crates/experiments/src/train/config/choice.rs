//! Named choices (`--optimizer adam`, `--schedule cosine`, ...): parsed from
//! text, shown as text, and serialized as the same text.

/// Defines an enum of named choices with `ALL`, `name()`, `Display`,
/// `FromStr` (case-insensitive, `_` accepted for `-`) and serde as the name.
macro_rules! choice {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every choice, in the order shown in help and errors.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used on the command line and in configs.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::train::ConfigError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let key = text.trim().to_ascii_lowercase().replace('_', "-");
                Self::ALL
                    .iter()
                    .copied()
                    .find(|c| c.name() == key)
                    .ok_or_else(|| $crate::train::ConfigError::Unknown {
                        what: $what,
                        value: text.to_string(),
                        known: Self::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}

pub(crate) use choice;
