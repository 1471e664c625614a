#include "morph_vips.h"

int morph_vips_init(void) {
    return VIPS_INIT("morph");
}
