#include "morph_vips.h"

int morph_vips_init(void) {
    return VIPS_INIT("morph");
}

VipsImage *morph_vips_load(const char *path, int sequential) {
    return vips_image_new_from_file(path,
        "access", sequential ? VIPS_ACCESS_SEQUENTIAL : VIPS_ACCESS_RANDOM,
        "fail_on", VIPS_FAIL_ON_ERROR,
        NULL);
}

int morph_vips_rawload(const char *path, VipsImage **out, int width, int height, int bands,
                       VipsBandFormat format, VipsInterpretation interpretation) {
    return vips_rawload(path, out, width, height, bands,
        "format", format, "interpretation", interpretation, NULL);
}

int morph_vips_save_png(VipsImage *in, const char *path, int bitdepth, int strip) {
    return vips_pngsave(in, path, "bitdepth", bitdepth, "strip", strip ? TRUE : FALSE, NULL);
}

int morph_vips_save_jpeg(VipsImage *in, const char *path, int q, int strip) {
    return vips_jpegsave(in, path, "Q", q, "strip", strip ? TRUE : FALSE, NULL);
}

int morph_vips_save_webp(VipsImage *in, const char *path, int q, int lossless, int strip) {
    return vips_webpsave(in, path, "Q", q, "lossless", lossless ? TRUE : FALSE,
        "strip", strip ? TRUE : FALSE, NULL);
}

int morph_vips_save_tiff(VipsImage *in, const char *path, int bigtiff, int strip) {
    return vips_tiffsave(in, path, "compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE,
        "bigtiff", bigtiff ? TRUE : FALSE, "strip", strip ? TRUE : FALSE, NULL);
}

int morph_vips_autorot(VipsImage *in, VipsImage **out) {
    return vips_autorot(in, out, NULL);
}

int morph_vips_icc_to_srgb(VipsImage *in, VipsImage **out, int depth) {
    return vips_icc_transform(in, out, "srgb", "embedded", TRUE, "depth", depth, NULL);
}

int morph_vips_icc_transform(VipsImage *in, VipsImage **out, const char *input_profile,
                             const char *output_profile, int depth) {
    return vips_icc_transform(in, out, output_profile, "input_profile", input_profile,
        "depth", depth, NULL);
}

int morph_vips_colourspace(VipsImage *in, VipsImage **out, VipsInterpretation space) {
    return vips_colourspace(in, out, space, NULL);
}

int morph_vips_cast(VipsImage *in, VipsImage **out, VipsBandFormat format) {
    return vips_cast(in, out, format, NULL);
}

int morph_vips_copy_interpretation(VipsImage *in, VipsImage **out, VipsInterpretation interpretation) {
    return vips_copy(in, out, "interpretation", interpretation, NULL);
}

int morph_vips_crop(VipsImage *in, VipsImage **out, int left, int top, int width, int height) {
    return vips_crop(in, out, left, top, width, height, NULL);
}

int morph_vips_extract_bands(VipsImage *in, VipsImage **out, int band, int n) {
    return vips_extract_band(in, out, band, "n", n, NULL);
}

int morph_vips_bandjoin2(VipsImage *a, VipsImage *b, VipsImage **out) {
    return vips_bandjoin2(a, b, out, NULL);
}

int morph_vips_resize_cubic(VipsImage *in, VipsImage **out, double hscale, double vscale) {
    return vips_resize(in, out, hscale, "vscale", vscale, "kernel", VIPS_KERNEL_CUBIC, NULL);
}

VipsPel *morph_vips_region_addr(VipsRegion *region, int x, int y) {
    return VIPS_REGION_ADDR(region, x, y);
}

size_t morph_vips_region_line_skip(VipsRegion *region) {
    return VIPS_REGION_LSKIP(region);
}

int morph_vips_resize_kernel(VipsImage *in, VipsImage **out, double hscale, double vscale, VipsKernel kernel) {
    return vips_resize(in, out, hscale, "vscale", vscale, "kernel", kernel, NULL);
}

int morph_vips_gaussblur(VipsImage *in, VipsImage **out, double sigma) {
    return vips_gaussblur(in, out, sigma, "precision", VIPS_PRECISION_FLOAT, NULL);
}

int morph_vips_jpeg_roundtrip(VipsImage *in, VipsImage **out, int q) {
    void *buffer = NULL;
    size_t size = 0;
    if (vips_jpegsave_buffer(in, &buffer, &size, "Q", q, "strip", TRUE, NULL)) return -1;
    VipsImage *loaded = NULL;
    int rc = vips_jpegload_buffer(buffer, size, &loaded, NULL);
    if (rc == 0) {
        /* Decode now, while the encoded bytes are still alive. */
        *out = vips_image_copy_memory(loaded);
        g_object_unref(loaded);
        rc = *out ? 0 : -1;
    }
    g_free(buffer);
    return rc;
}
