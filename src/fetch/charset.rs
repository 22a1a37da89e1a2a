//! Charset pipeline: BOM, then HTTP charset, then XML prolog / HTML meta, then detection. Pure.
