//! The platform's settings. Defaults are production-safe: SQLite in `.tongyou/`, the
//! regions shipped in `assets/regions/`, loopback only, and no dev conveniences. `--dev`
//! turns those on (sign-in codes served over HTTP, the simulated cashier and its demo
//! wallets, the demo gate-staff number, fault switches), and only on a loopback address.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// SQLite file; created with its parent folder if missing.
    pub database: PathBuf,
    /// Folder of region data files (`*.toml`).
    pub regions_dir: PathBuf,
    /// The secret that encrypts ID numbers; default `platform.key` beside the database,
    /// created on first start.
    pub secret_key: Option<PathBuf>,
    /// Dev conveniences such as the endpoint that reveals sign-in codes: on only with
    /// `--dev`, and then only on a loopback address ([`Config::check`]).
    pub dev_mode: bool,
    /// Mobile numbers allowed to sign in as gate staff (`--gate-staff`, repeatable). Dev
    /// mode adds [`DEMO_GATE_STAFF`].
    pub gate_staff: Vec<String>,
    /// Mobile numbers whose accounts may post disruptions (`--operator`, repeatable). Dev
    /// mode adds [`DEMO_OPERATOR`].
    pub operators: Vec<String>,
    /// Request limits on sign-in ([`crate::limits`]).
    pub limits: crate::limits::Limits,
    /// The built agents' console (`console/dist`, made by trunk), served at `/console/`
    /// (`--console-dir PATH`). `None`: not served; `/console` says how to serve it.
    pub console_dir: Option<PathBuf>,
}

/// The gate-staff number dev mode accepts, so a demo gate can be signed in.
pub const DEMO_GATE_STAFF: &str = "13900139000";
/// The operator number dev mode accepts, so the operator page can be tried.
pub const DEMO_OPERATOR: &str = "13900139001";

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8787)),
            database: PathBuf::from(".tongyou/platform.db"),
            regions_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/regions")),
            secret_key: None,
            dev_mode: false,
            gate_staff: Vec::new(),
            operators: Vec::new(),
            limits: crate::limits::Limits::default(),
            console_dir: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} needs a value")]
    MissingValue(String),
    #[error("`{value}` is not a valid address for --bind")]
    BadAddress { value: String },
    #[error(
        "unknown option `{0}` (options: --bind ADDR, --db PATH, --regions DIR, --secret-key PATH, --gate-staff MOBILE, --operator MOBILE, --console-dir PATH, --dev; command: rotate-secret)"
    )]
    Unknown(String),
    #[error(
        "production needs --secret-key PATH: the data key file, in a folder apart from the database so that a backup of the data does not carry its key"
    )]
    NoSecretKey,
    #[error(
        "the secret key file must not sit in the database's folder ({0}): a backup of the data would carry the key that opens it"
    )]
    KeyBesideData(PathBuf),
    #[error(
        "--dev serves sign-in codes and simulated money to anyone who asks, so it only runs on a loopback address, not {0}"
    )]
    DevOffLoopback(SocketAddr),
}

impl Config {
    /// Everyone who may sign in at a gate: the configured numbers, plus the demo one in dev
    /// mode.
    pub fn gate_staff(&self) -> Vec<String> {
        let mut staff = self.gate_staff.clone();
        if self.dev_mode {
            staff.push(DEMO_GATE_STAFF.to_owned());
        }
        staff
    }

    /// Everyone who may post disruptions: the configured numbers, plus the demo one in dev
    /// mode.
    pub fn operators(&self) -> Vec<String> {
        let mut operators = self.operators.clone();
        if self.dev_mode {
            operators.push(DEMO_OPERATOR.to_owned());
        }
        operators
    }

    /// Refuses settings that would be unsafe: dev conveniences reachable from another
    /// machine.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.dev_mode && !self.bind.ip().is_loopback() {
            return Err(ConfigError::DevOffLoopback(self.bind));
        }
        if !self.dev_mode {
            let key = self.secret_key_path()?;
            let data = normalized(&self.database);
            let data_folder = data.parent().unwrap_or(&data);
            if normalized(&key).starts_with(data_folder) {
                return Err(ConfigError::KeyBesideData(key));
            }
        }
        Ok(())
    }

    /// Where the secret key file lives: `--secret-key PATH`, which production needs, in a
    /// folder of its own, so that a backup of the data does not carry the key that opens
    /// it. Dev mode defaults to `platform.key` beside the database.
    pub fn secret_key_path(&self) -> Result<PathBuf, ConfigError> {
        if let Some(path) = &self.secret_key {
            return Ok(path.clone());
        }
        if !self.dev_mode {
            return Err(ConfigError::NoSecretKey);
        }
        Ok(if self.database.as_os_str() == ":memory:" {
            PathBuf::from(".tongyou/platform.key")
        } else {
            self.database.with_file_name("platform.key")
        })
    }

    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let mut value = || {
                args.next()
                    .ok_or_else(|| ConfigError::MissingValue(flag.clone()))
            };
            match flag.as_str() {
                "--bind" => {
                    let v = value()?;
                    config.bind = v
                        .parse()
                        .map_err(|_| ConfigError::BadAddress { value: v })?;
                }
                "--db" => config.database = value()?.into(),
                "--regions" => config.regions_dir = value()?.into(),
                "--secret-key" => config.secret_key = Some(value()?.into()),
                "--gate-staff" => config.gate_staff.push(value()?),
                "--operator" => config.operators.push(value()?),
                "--console-dir" => config.console_dir = Some(value()?.into()),
                "--dev" => config.dev_mode = true,
                _ => return Err(ConfigError::Unknown(flag)),
            }
        }
        config.check()?;
        Ok(config)
    }
}

/// `path` made absolute, with `.` and `..` taken out, and through any link in the part
/// that exists: where a backup of a folder would find it.
fn normalized(path: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve links in the longest part that exists.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(ToOwned::to_owned), existing.pop()) {
            (Some(name), true) => rest.push(name),
            _ => return out,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    resolved.extend(rest.iter().rev());
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_options() {
        let c = Config {
            secret_key: None,
            ..Config::from_args(args(&[
                "--bind",
                "127.0.0.1:0",
                "--db",
                "x.db",
                "--secret-key",
                "/keys/k",
            ]))
            .unwrap()
        };
        assert_eq!(c.bind.port(), 0);
        assert_eq!(c.database, PathBuf::from("x.db"));
        assert!(!c.dev_mode, "production is the default");
        assert!(matches!(c.secret_key_path(), Err(ConfigError::NoSecretKey)));
        let d = Config::from_args(args(&["--dev", "--secret-key", "/k"])).unwrap();
        assert!(d.dev_mode);
        assert_eq!(d.secret_key_path().unwrap(), PathBuf::from("/k"));
        let dev = Config::from_args(args(&["--dev", "--db", "data/x.db"])).unwrap();
        assert_eq!(
            dev.secret_key_path().unwrap(),
            PathBuf::from("data/platform.key")
        );
        assert!(Config::from_args(args(&["--dev", "--bind", "[::1]:0"])).is_ok());
        assert_eq!(
            dev.console_dir, None,
            "the console is served only when asked"
        );
        let served = Config::from_args(args(&["--dev", "--console-dir", "console/dist"])).unwrap();
        assert_eq!(served.console_dir, Some(PathBuf::from("console/dist")));
    }

    #[test]
    fn dev_mode_stays_on_loopback() {
        assert!(matches!(
            Config::from_args(args(&["--dev", "--bind", "0.0.0.0:8787"])),
            Err(ConfigError::DevOffLoopback(_))
        ));
        assert!(matches!(
            Config::from_args(args(&["--bind", "192.168.1.2:8787", "--dev"])),
            Err(ConfigError::DevOffLoopback(_))
        ));
        assert!(
            Config::from_args(args(&["--bind", "0.0.0.0:8787", "--secret-key", "/keys/k"])).is_ok()
        );
    }

    #[test]
    fn production_keeps_the_key_apart_from_the_data() {
        assert!(matches!(
            Config::from_args(args(&["--db", "/srv/data/p.db"])),
            Err(ConfigError::NoSecretKey)
        ));
        for inside in [
            "/srv/data/k",
            "/srv/data/keys/k",
            "/srv/data/x/../k",
            "/srv/keys/../data/k",
        ] {
            assert!(
                matches!(
                    Config::from_args(args(&["--db", "/srv/data/p.db", "--secret-key", inside])),
                    Err(ConfigError::KeyBesideData(_))
                ),
                "{inside}"
            );
        }
        assert!(matches!(
            Config::from_args(args(&[
                "--db",
                "/srv/data/p.db",
                "--secret-key",
                "/srv/data/k"
            ])),
            Err(ConfigError::KeyBesideData(_))
        ));
        assert!(
            Config::from_args(args(&[
                "--db",
                "/srv/data/p.db",
                "--secret-key",
                "/srv/keys/k"
            ]))
            .is_ok()
        );
    }

    #[test]
    fn refuses_unknown_and_incomplete_options() {
        assert!(matches!(
            Config::from_args(args(&["--port"])),
            Err(ConfigError::Unknown(_))
        ));
        assert!(matches!(
            Config::from_args(args(&["--db"])),
            Err(ConfigError::MissingValue(_))
        ));
        assert!(matches!(
            Config::from_args(args(&["--bind", "here"])),
            Err(ConfigError::BadAddress { .. })
        ));
    }
}
