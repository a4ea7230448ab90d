/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LQ_TYPE_PREFERENCES_WINDOW (lq_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (LqPreferencesWindow, lq_preferences_window, LQ, PREFERENCES_WINDOW, AdwPreferencesWindow)

LqPreferencesWindow *lq_preferences_window_new (GSettings *settings);

G_END_DECLS
