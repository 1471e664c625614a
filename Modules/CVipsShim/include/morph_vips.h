#ifndef MORPH_VIPS_H
#define MORPH_VIPS_H
/* Non-variadic wrappers for the varargs vips_* calls Morph uses.
 * Each one fixes a call's optional arguments; no logic lives here.
 * Every function returning int returns 0 on success and -1 on error
 * (the message is in vips_error_buffer()). */
#include <vips/vips.h>

/* Starts libvips once; returns 0 on success. */
int morph_vips_init(void);

/* Opens a file lazily; sequential != 0 asks for top-to-bottom access. Fails on decode errors. */
VipsImage *morph_vips_load(const char *path, int sequential);
/* Opens headerless interleaved pixels (e.g. a temporary strip file) with the given layout. */
int morph_vips_rawload(const char *path, VipsImage **out, int width, int height, int bands,
                       VipsBandFormat format, VipsInterpretation interpretation);

/* Saves PNG; bitdepth 8 or 16; strip != 0 drops metadata. */
int morph_vips_save_png(VipsImage *in, const char *path, int bitdepth, int strip);
/* Saves baseline JPEG at quality q (1-100). */
int morph_vips_save_jpeg(VipsImage *in, const char *path, int q, int strip);
/* Saves WebP at quality q, lossless when lossless != 0. */
int morph_vips_save_webp(VipsImage *in, const char *path, int q, int lossless, int strip);
/* Saves deflate-compressed TIFF, BigTIFF when bigtiff != 0. */
int morph_vips_save_tiff(VipsImage *in, const char *path, int bigtiff, int strip);

/* Applies and removes EXIF orientation. */
int morph_vips_autorot(VipsImage *in, VipsImage **out);
/* Transforms to sRGB through the embedded ICC profile (depth 8 or 16). */
int morph_vips_icc_to_srgb(VipsImage *in, VipsImage **out, int depth);
/* Transforms from a named or file input profile (e.g. "cmyk") to a named output profile, depth 8 or 16. */
int morph_vips_icc_transform(VipsImage *in, VipsImage **out, const char *input_profile,
                             const char *output_profile, int depth);
/* Converts to another interpretation (sRGB, RGB16, B_W, GREY16, ...). */
int morph_vips_colourspace(VipsImage *in, VipsImage **out, VipsInterpretation space);
/* Casts the band format (values clip, no scaling). */
int morph_vips_cast(VipsImage *in, VipsImage **out, VipsBandFormat format);
/* Copies with a new interpretation tag. */
int morph_vips_copy_interpretation(VipsImage *in, VipsImage **out, VipsInterpretation interpretation);
/* Cuts out a rectangle. */
int morph_vips_crop(VipsImage *in, VipsImage **out, int left, int top, int width, int height);
/* Takes n bands starting at band. */
int morph_vips_extract_bands(VipsImage *in, VipsImage **out, int band, int n);
/* Joins the bands of two images. */
int morph_vips_bandjoin2(VipsImage *a, VipsImage *b, VipsImage **out);
/* Resizes with a bicubic kernel by independent horizontal and vertical factors. */
int morph_vips_resize_cubic(VipsImage *in, VipsImage **out, double hscale, double vscale);
/* Resizes with any libvips kernel (nearest, linear, cubic, lanczos3) by independent factors. */
int morph_vips_resize_kernel(VipsImage *in, VipsImage **out, double hscale, double vscale, VipsKernel kernel);
int morph_vips_gaussblur(VipsImage *in, VipsImage **out, double sigma);
/* Encodes as JPEG of quality q in memory and decodes it again (compression artefacts, as a degradation). */
int morph_vips_jpeg_roundtrip(VipsImage *in, VipsImage **out, int q);

/* The address of pixel (x, y) inside a prepared region. */
VipsPel *morph_vips_region_addr(VipsRegion *region, int x, int y);
/* Bytes from one line of a prepared region to the next. */
size_t morph_vips_region_line_skip(VipsRegion *region);
#endif
