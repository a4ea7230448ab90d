/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LQ_TYPE_APPLICATION (lq_application_get_type ())

G_DECLARE_FINAL_TYPE (LqApplication, lq_application, LQ, APPLICATION, AdwApplication)

LqApplication *lq_application_new          (void);
GSettings     *lq_application_get_settings (LqApplication *self);

G_END_DECLS
