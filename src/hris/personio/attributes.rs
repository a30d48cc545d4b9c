//! `GET /v1/company/employees/attributes` → the attributes the credential may read, with their
//! labels and kinds, custom attributes included (personio.md §5). Pure: bytes in, list out.

use serde_json::Value;

use crate::hris::AttributeInfo;
use crate::hris::clean;

/// One attribute a provider offers, for the settings pages: description and, where the provider
/// lists them, the values it allows (Personio `options`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered {
    pub info: AttributeInfo,
    pub options: Vec<String>,
    /// Personio's name for the attribute across accounts (`date_of_birth` names the custom
    /// attribute the sync reads as the birth date); `None` where the provider has none.
    pub universal_id: Option<String>,
}

/// Reads the listing; `Err` says what is wrong with it. Entries without a key are left out (they
/// could not be referred to); a missing label reads as the key.
pub fn parse_listing(bytes: &[u8]) -> Result<Vec<Offered>, String> {
    let v: Value = serde_json::from_slice(bytes).map_err(|_| "the attribute list is not JSON")?;
    let list = v
        .get("data")
        .and_then(Value::as_array)
        .ok_or("the attribute list has no `data`")?;
    Ok(list
        .iter()
        .filter_map(|a| {
            let key = a.get("key").and_then(Value::as_str)?.trim();
            if key.is_empty() {
                return None;
            }
            let text = |k: &str| a.get(k).and_then(Value::as_str).map(clean::plain);
            let options = match a.get("options") {
                Some(Value::Array(o)) => o
                    .iter()
                    .filter_map(|x| match x {
                        Value::String(s) => Some(clean::plain(s)),
                        // Some accounts send `{"value": …}` objects.
                        other => other.get("value").and_then(Value::as_str).map(clean::plain),
                    })
                    .filter(|s| !s.is_empty())
                    .collect(),
                _ => Vec::new(),
            };
            Some(Offered {
                info: AttributeInfo {
                    key: key.to_owned(),
                    label: text("label")
                        .filter(|l| !l.is_empty())
                        .unwrap_or_else(|| key.to_owned()),
                    kind: text("type").unwrap_or_else(|| "standard".to_owned()),
                },
                options,
                universal_id: a
                    .get("universal_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_listing_reads_with_labels_kinds_and_options() {
        let body = br#"{"success":true,"data":[
            {"key":"employment_type","label":"Employment type","type":"standard","universal_id":"employment_type","options":["internal","external"]},
            {"key":"dynamic_70112","label":"T-shirt size","type":"list","universal_id":null,"options":[{"value":"M"}]},
            {"key":"","label":"nothing"},
            {"key":"office"}]}"#;
        let got = parse_listing(body).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].info.label, "Employment type");
        assert_eq!(got[0].options, ["internal", "external"]);
        assert_eq!(
            (got[1].info.kind.as_str(), got[1].options.as_slice()),
            ("list", &["M".to_owned()][..])
        );
        assert_eq!(
            (got[2].info.label.as_str(), got[2].info.kind.as_str()),
            ("office", "standard")
        );
        assert!(parse_listing(b"<html>").is_err());
        assert!(parse_listing(br#"{"success":true}"#).is_err());
    }
}
