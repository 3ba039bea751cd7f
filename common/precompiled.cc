// The translation unit that compiles common/precompiled.h (see there).
#include "common/precompiled.h"
