//! Files to upload: the multipart operations take an [`Upload`], sent as a part of a
//! `multipart/form-data` body whose heads this module writes.

use std::borrow::Cow;
use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use crate::input::{InputProblem, InvalidInput};
use crate::validate::FieldPath;

/// A file to upload (the multipart operations): its name, media type and bytes.
///
/// `Debug` shows the name, type and size, not the content.
#[derive(Clone, PartialEq, Eq)]
pub struct Upload {
    pub(crate) file_name: String,
    pub(crate) content_type: Option<String>,
    pub(crate) bytes: Bytes,
}

impl Upload {
    /// A file named `file_name` with these bytes; the media type is guessed from the name's
    /// extension (`.pdf`, `.png`, `.jpg`, `.jpeg`, `.gif`, `.webp`), or set it with
    /// [`Upload::content_type`].
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Upload {
        let file_name = file_name.into();
        let content_type = media_type_of(&file_name).map(str::to_owned);
        Upload {
            file_name,
            content_type,
            bytes: bytes.into(),
        }
    }

    /// Reads a file from disk (blocking); its name is the path's last component.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<Upload> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "upload".to_owned());
        Ok(Upload::new(name, bytes))
    }

    /// Sets the media type, for example `application/pdf`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Upload {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name sent with the upload.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The media type sent with the upload, if known.
    pub fn media_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

fn media_type_of(file_name: &str) -> Option<&'static str> {
    let extension = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    })
}

/// Writes the head of one part of a `multipart/form-data` body (RFC 7578): its boundary
/// line, its `Content-Disposition` with the field's name (and file name), and its media type.
pub(crate) fn put_part_head(
    bytes: &mut BytesMut,
    boundary: &str,
    name: &str,
    file_name: Option<&str>,
    content_type: Option<&str>,
) {
    bytes.put_slice(format!("--{boundary}\r\n").as_bytes());
    bytes.put_slice(b"Content-Disposition: form-data; name=\"");
    bytes.put_slice(quoted(name).as_bytes());
    bytes.put_slice(b"\"");
    if let Some(file_name) = file_name {
        bytes.put_slice(b"; filename=\"");
        bytes.put_slice(quoted(file_name).as_bytes());
        bytes.put_slice(b"\"");
    }
    bytes.put_slice(b"\r\n");
    if let Some(content_type) = content_type {
        // A media type with a line break would forge headers of the part.
        let content_type: String = content_type.chars().filter(|c| !c.is_control()).collect();
        bytes.put_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
    }
    bytes.put_slice(b"\r\n");
}

/// A name inside a quoted header parameter: quotes, backslashes and every control character
/// (line breaks, escapes, C1 controls) are percent-encoded by their UTF-8 bytes, as browsers
/// do line breaks and quotes (RFC 7578 §4.2). A name with none of them is sent as it is;
/// in one with any, `%` is encoded too, so that the server can decode it exactly.
fn quoted(text: &str) -> Cow<'_, str> {
    let special = |c: char| matches!(c, '"' | '\\') || c.is_control();
    if !text.contains(special) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '%' || special(c) {
            for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Checks an upload: not empty, a content type without control characters, and within the
/// multipart field's `maxLength` (bytes) and `encoding` content types.
pub(crate) fn check_upload(
    upload: &Upload,
    max_bytes: Option<u64>,
    allowed: &[&str],
    at: &FieldPath,
) -> Result<(), InvalidInput> {
    let found = upload.bytes.len() as u64;
    if found == 0 {
        // No document is empty: an empty one is a file read from the wrong place.
        return Err(at.error(InputProblem::Other("is an empty file".to_owned())));
    }
    if let Some(at_char) = upload
        .media_type()
        .and_then(|media| media.chars().position(char::is_control))
    {
        // A line break would end the part's header early: refused, not sent cleaned.
        return Err(at.error(InputProblem::Other(format!(
            "has a content type with a control character at position {}",
            at_char + 1
        ))));
    }
    if let Some(max) = max_bytes.filter(|max| found > *max) {
        return Err(at.error(InputProblem::UploadTooLarge { max, found }));
    }
    if !allowed.is_empty() {
        let media = upload.media_type().map(|t| {
            t.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
        if !media.as_deref().is_some_and(|m| allowed.contains(&m)) {
            return Err(at.error(InputProblem::UploadType {
                allowed: allowed.iter().map(|t| (*t).to_owned()).collect(),
                found: upload.media_type().map(str::to_owned),
            }));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_a_part_head_are_percent_encoded_only_where_needed() {
        for (name, sent) in [
            ("bill.pdf", "bill.pdf"),
            ("100%.pdf", "100%.pdf"),
            ("bill \"march\".pdf", "bill %22march%22.pdf"),
            ("a\\b", "a%5Cb"),
            ("100%\r\n.pdf", "100%25%0D%0A.pdf"),
            // Escapes and other controls reach no server's logs or terminals raw.
            ("a\u{1b}[31m.pdf", "a%1B[31m.pdf"),
            ("tab\there\u{0}\u{7f}", "tab%09here%00%7F"),
            ("next\u{85}line", "next%C2%85line"),
            ("été.pdf", "été.pdf"),
        ] {
            assert_eq!(quoted(name), sent, "{name:?}");
        }
    }

    #[test]
    fn uploads_are_checked_by_size_and_type() {
        let at = FieldPath::new("file");
        let pdf = Upload::new("bill.PDF", vec![0u8; 10]);
        assert_eq!(pdf.media_type(), Some("application/pdf"));
        assert!(check_upload(&pdf, Some(10), &["application/pdf"], &at).is_ok());
        let err = check_upload(&pdf, Some(9), &[], &at).unwrap_err();
        assert_eq!(
            err.problem,
            InputProblem::UploadTooLarge { max: 9, found: 10 }
        );
        let text = Upload::new("notes.txt", "hi");
        let err = check_upload(&text, None, &["application/pdf", "image/png"], &at).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `file`: has no media type; the API accepts application/pdf, image/png"
        );
        let typed = text.content_type("Image/PNG; charset=binary");
        assert!(check_upload(&typed, None, &["image/png"], &at).is_ok());
        // A line break in the content type would end the part's header early: refused, with
        // or without a list of types, as is an empty file.
        for allowed in [&[][..], &["application/pdf"]] {
            let forged = pdf.clone().content_type("application/pdf;\r\nX-Evil: 1");
            let err = check_upload(&forged, None, allowed, &at).unwrap_err();
            assert_eq!(
                err.to_string(),
                "invalid `file`: has a content type with a control character at position 17"
            );
            let empty = Upload::new("bill.pdf", Vec::new());
            let err = check_upload(&empty, None, allowed, &at).unwrap_err();
            assert_eq!(err.to_string(), "invalid `file`: is an empty file");
        }
        let one_byte = Upload::new("bill.pdf", vec![0u8]);
        assert!(check_upload(&one_byte, Some(1), &["application/pdf"], &at).is_ok());
        assert_eq!(
            format!("{typed:?}"),
            "Upload { file_name: \"notes.txt\", content_type: Some(\"Image/PNG; charset=binary\"), len: 2 }"
        );
    }
}
