//! Arbitrary text as `registry.yaml`: `registry::parse` refuses with a located,
//! registry-coded error or returns a registry whose invariants hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use petrova_core::operator::registry;
use petrova_core::Code;

const REGISTRY_CODES: &[Code] = &[
    Code::RegistrySyntax,
    Code::RegistryForm,
    Code::RegistryUnknownField,
    Code::RegistryMissingField,
    Code::RegistryInvalidValue,
    Code::RegistryBadSlug,
    Code::RegistryDuplicateSlug,
    Code::RegistryUnknownProfile,
    Code::RegistryBadDate,
    Code::RegistryBadUrl,
    Code::RegistryBadPath,
];

fuzz_target!(|data: &[u8]| {
    // The CLI reads the registry with `read_to_string`: only UTF-8 reaches core.
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    match registry::parse(src, "registry.yaml") {
        Ok(reg) => {
            for (i, entry) in reg.repos.iter().enumerate() {
                assert!(reg.profiles.contains_key(&entry.profile), "{entry:?}");
                assert!(
                    reg.repos[..i].iter().all(|e| e.slug != entry.slug),
                    "duplicate slug {}",
                    entry.slug
                );
                assert!(!entry.checkout.is_empty() && !entry.checkout.starts_with('/'));
                assert!(!entry.checkout.split('/').any(|s| s == ".."));
                assert_eq!(
                    reg.require(&entry.slug, "r").map(|e| &e.slug),
                    Ok(&entry.slug)
                );
                assert!(reg.find_by_repository(&entry.repository()).is_some());
            }
            let _ = registry::matrix(&reg, &[]);
            let _ = registry::matrix(&reg, &["role=production".to_owned()]);
        }
        Err(err) => {
            assert!(REGISTRY_CODES.contains(&err.code()), "{err}");
            assert_eq!(err.diagnostic.path.as_deref(), Some("registry.yaml"));
            assert!(!err.diagnostic.message.is_empty());
            if let Some(line) = err.diagnostic.line {
                // libyaml's line breaks: `\r\n`, `\r`, `\n`, NEL, LS and PS.
                let lines = src
                    .replace("\r\n", "\n")
                    .split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
                    .count();
                assert!(
                    line >= 1 && line <= lines + 1,
                    "line {line} of a {lines}-line registry: {err}"
                );
            }
        }
    }
});
