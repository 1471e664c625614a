#ifndef MORPH_VIPS_H
#define MORPH_VIPS_H
#include <vips/vips.h>
/* Starts libvips once; returns 0 on success. */
int morph_vips_init(void);
#endif
