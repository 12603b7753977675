//! `lessons check` in each of its formats.

use std::io::Write;

use crate::check::CheckReport;

impl super::Emit for CheckReport {
    fn emit(
        &self,
        format: super::Format,
        cx: &super::Context,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        match format {
            super::Format::Human => super::human::render(self, cx.color, out),
            super::Format::Json => super::json::write(self, out),
            super::Format::Sarif => {
                out.write_all(super::sarif::render(self, &cx.prefix).as_bytes())
            }
            super::Format::Github => super::github::render(self, &cx.prefix, out),
            f => Err(super::unsupported(f)),
        }
    }
}
