#pragma once
// The checks livecheck offers. Each is a pure function from evidence (facts
// the runner gathered from the agent, QMP and the host) to a verdict, so each
// can be tested without a VM and each verdict carries what decided it. One
// header per family; this one names them all.
#include "evidence/boot_timing_check.h"
#include "evidence/check_names.h"
#include "evidence/check_result.h"
#include "evidence/disk_checks.h"
#include "evidence/layer_checks.h"
#include "evidence/own_medium_check.h"
#include "evidence/ram_copy_check.h"
#include "evidence/trace_checks.h"
