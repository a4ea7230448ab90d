/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lq-preferences-window.h"

struct _LqPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;

  /* Template widgets */
  AdwComboRow *color_scheme_row;
  AdwEntryRow *audio_sink_row;
  AdwEntryRow *audio_device_row;
  AdwComboRow *preset_row;
  AdwComboRow *default_chain_row;
  GtkSpinButton *fft_size_spin;
  GtkSpinButton *smoothing_spin;
  AdwEntryRow *cache_location_row;
  GtkSpinButton *cache_size_spin;
};

G_DEFINE_FINAL_TYPE (LqPreferencesWindow, lq_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Settings values in the order of the combo rows' items. */
static const char *color_schemes[] = { "system", "dark", "light", NULL };
static const char *presets[] = { "spotify", "apple-music", "youtube", "tidal", "amazon-music", "deezer", "cd", NULL };
/* The `default-chain` values the combo row offers (element factories, "factory:Preset") */
static const char *default_chains[] = {
  "",
  "lqeq",
  "lqeq,lqcompressor:Gentle Glue",
  "lqeq,lqcompressor:Gentle Glue,lqlimiter:Streaming −1 dBTP",
  "lqmultiband:Gentle Master,lqlimiter:Streaming −1 dBTP",
  NULL
};

static gboolean
string_to_index (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  const char * const *names = user_data;
  const char *s = g_variant_get_string (variant, NULL);

  for (guint i = 0; names[i] != NULL; i++)
    if (g_strcmp0 (names[i], s) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
index_to_string (const GValue       *value,
                 const GVariantType *expected_type,
                 gpointer            user_data)
{
  const char * const *names = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **) names))
    return NULL;
  return g_variant_new_string (names[index]);
}

static void
lq_preferences_window_dispose (GObject *object)
{
  LqPreferencesWindow *self = LQ_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), LQ_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (lq_preferences_window_parent_class)->dispose (object);
}

static void
lq_preferences_window_class_init (LqPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/lq-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LqPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, LqPreferencesWindow, audio_sink_row);
  gtk_widget_class_bind_template_child (widget_class, LqPreferencesWindow, audio_device_row);
  gtk_widget_class_bind_template_child (widget_class, LqPreferencesWindow, preset_row);
  gtk_widget_class_bind_template_child (widget_class, LqPreferencesWindow, default_chain_row);
  gtk_widget_class_bind_template_child (widget_class, LqPreferencesWindow, fft_size_spin);
  gtk_widget_class_bind_template_child (widget_class, LqPreferencesWindow, smoothing_spin);
  gtk_widget_class_bind_template_child (widget_class, LqPreferencesWindow, cache_location_row);
  gtk_widget_class_bind_template_child (widget_class, LqPreferencesWindow, cache_size_spin);
}

static void
lq_preferences_window_init (LqPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LqPreferencesWindow *
lq_preferences_window_new (GSettings *settings)
{
  LqPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (LQ_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind_with_mapping (settings, "color-scheme", self->color_scheme_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, string_to_index, index_to_string,
                                (gpointer) color_schemes, NULL);
  g_settings_bind_with_mapping (settings, "default-delivery-preset", self->preset_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, string_to_index, index_to_string,
                                (gpointer) presets, NULL);
  g_settings_bind_with_mapping (settings, "default-chain", self->default_chain_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, string_to_index, index_to_string,
                                (gpointer) default_chains, NULL);
  g_settings_bind (settings, "audio-sink", self->audio_sink_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "audio-device", self->audio_device_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "spectrum-fft-size", self->fft_size_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "spectrum-smoothing", self->smoothing_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "cache-location", self->cache_location_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "cache-size-mb", self->cache_size_spin, "value", G_SETTINGS_BIND_DEFAULT);
  return self;
}
