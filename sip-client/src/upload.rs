//! Files to upload: the multipart operations take an [`Upload`].

use std::fmt;

use bytes::Bytes;

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
