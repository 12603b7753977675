//! Index files mapped into memory rather than read: the manifest and the
//! report facts of 100,000 lessons are tens of megabytes, and reading them
//! would copy every byte into freshly zeroed pages on each command.

use std::path::Path;

pub struct Mapped {
    map: memmap2::Mmap,
}

/// Opens a regular file (a FIFO put in its place would block the open).
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not a regular file",
        ));
    }
    std::fs::File::open(path)
}

impl Mapped {
    pub fn open(path: &Path) -> std::io::Result<Mapped> {
        Mapped::map(&open_regular(path)?)
    }

    pub fn map(file: &std::fs::File) -> std::io::Result<Mapped> {
        // SAFETY: the index writes each of these files once, under a
        // temporary name, and renames it into place; nothing writes to one
        // afterwards, so the mapped bytes cannot change under us (removing
        // the file keeps the mapping valid).
        // Populated up front: one call instead of a fault per page.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(file)? };
        Ok(Mapped { map })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// The contents as text (checked on each call: a millisecond or two
    /// for the largest manifest).
    pub fn text(&self) -> std::io::Result<&str> {
        std::str::from_utf8(&self.map)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}
