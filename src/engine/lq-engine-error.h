/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LQ_ENGINE_ERROR (lq_engine_error_quark ())

/**
 * LqEngineError:
 * @LQ_ENGINE_ERROR_MISSING_FILE: a source file does not exist (the track is kept, marked missing)
 * @LQ_ENGINE_ERROR_UNSUPPORTED: a file is not audio GStreamer can decode
 * @LQ_ENGINE_ERROR_WRITE: an output file could not be written (disk full, no permission)
 * @LQ_ENGINE_ERROR_INVALID: an argument or setting is out of range
 * @LQ_ENGINE_ERROR_PROJECT_CORRUPT: a project file is not valid (broken JSON, wrong types)
 * @LQ_ENGINE_ERROR_PROJECT_VERSION: a project file was written by a newer Lacquer
 */
typedef enum
{
  LQ_ENGINE_ERROR_MISSING_FILE,
  LQ_ENGINE_ERROR_UNSUPPORTED,
  LQ_ENGINE_ERROR_WRITE,
  LQ_ENGINE_ERROR_INVALID,
  LQ_ENGINE_ERROR_PROJECT_CORRUPT,
  LQ_ENGINE_ERROR_PROJECT_VERSION,
} LqEngineError;

GQuark lq_engine_error_quark (void);

G_END_DECLS
