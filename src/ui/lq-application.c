/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-application"

#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <glib/gi18n.h>
#include <gst/gst.h>

#include "lq-elements.h"

#include "lq-application.h"
#include "lq-preferences-window.h"
#include "lq-window.h"

struct _LqApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  gboolean recovery_offered; /* autosaved work was looked for at start */
};

G_DEFINE_FINAL_TYPE (LqApplication, lq_application, ADW_TYPE_APPLICATION)

static LqWindow *
get_or_create_window (LqApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (lq_window_new (self));
  return LQ_WINDOW (window);
}

/* Autosaved work left by a crash is offered once, in the first window. */
static void
offer_recovery_once (LqApplication *self,
                     LqWindow      *window)
{
  if (self->recovery_offered)
    return;
  self->recovery_offered = TRUE;
  lq_window_offer_recovery (window);
}

static gboolean
color_scheme_to_adw (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  const char *scheme = g_variant_get_string (variant, NULL);

  if (g_strcmp0 (scheme, "light") == 0)
    g_value_set_enum (value, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_strcmp0 (scheme, "system") == 0)
    g_value_set_enum (value, ADW_COLOR_SCHEME_DEFAULT);
  else
    g_value_set_enum (value, ADW_COLOR_SCHEME_PREFER_DARK);
  return TRUE;
}

static void
lq_application_about (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  LqApplication *self = user_data;
  static const char *developers[] = { "The Lacquer developers", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Lacquer"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Lacquer developers"),
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/lacquer/lacquer",
                         "issue-url", "https://github.com/lacquer/lacquer/issues",
                         "developers", developers,
                         "copyright", "© 2026 The Lacquer developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Master albums for CD and streaming: EQ, dynamics, imaging, "
                                       "true-peak limiting, album sequencing, loudness and delivery."),
                         NULL);
}

static void
lq_application_preferences (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  LqApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  LqPreferencesWindow *prefs = lq_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), window);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
lq_application_new_window (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (lq_window_new (LQ_APPLICATION (user_data))));
}

static void
lq_application_quit (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  LqApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing each window lets it ask about unsaved changes. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static const GActionEntry app_actions[] = {
  { "about", lq_application_about },
  { "preferences", lq_application_preferences },
  { "new-window", lq_application_new_window },
  { "quit", lq_application_quit },
};

static void
lq_application_activate (GApplication *app)
{
  LqApplication *self = LQ_APPLICATION (app);
  LqWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (window));
  offer_recovery_once (self, window);
}

static int
lq_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  const char *sink = NULL;

  /* The audio output for this run, as the windows read it (see lq-window.h). */
  if (g_variant_dict_lookup (options, "audio-sink", "&s", &sink))
    g_setenv ("LACQUER_AUDIO_SINK", sink, TRUE);
  return -1;
}

static void
lq_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  LqWindow *window = get_or_create_window (LQ_APPLICATION (app));
  g_autoptr(GPtrArray) audio = g_ptr_array_new ();

  /* A project opens in the window; audio files become the album's tracks. */
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_file_get_basename (files[i]);

      if (name != NULL && g_str_has_suffix (name, ".lacquer"))
        lq_window_open_file (window, files[i]);
      else
        g_ptr_array_add (audio, files[i]);
    }
  if (audio->len > 0)
    lq_window_add_files (window, (GFile **) audio->pdata, audio->len);
  gtk_window_present (GTK_WINDOW (window));
  offer_recovery_once (LQ_APPLICATION (app), window);
}

/* The name of the OpenGL renderer GTK would draw with, or NULL without OpenGL. */
static char *
gl_renderer_name (void)
{
  typedef const unsigned char *(*GetStringFunc) (unsigned int name);
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GdkGLContext) context = NULL;
  GetStringFunc *get_string;
  const unsigned char *name;
  char *result = NULL;

  if (display == NULL)
    return NULL;
  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return NULL;
  gdk_gl_context_make_current (context);
  /* GTK draws through libepoxy, already loaded with it: its dispatch pointer for glGetString. */
  get_string = dlsym (RTLD_DEFAULT, "epoxy_glGetString");
  if (get_string != NULL && *get_string != NULL && (name = (*get_string) (0x1F01 /* GL_RENDERER */)) != NULL)
    result = g_strdup ((const char *) name);
  gdk_gl_context_clear_current ();
  return result;
}

/*
 * Without a graphics card, OpenGL is emulated on the CPU (Mesa's llvmpipe): GTK's GL renderer
 * then costs several times what its cairo renderer does (the whole window shaded in software
 * at every frame, next to the audio). In that case windows draw with cairo, unless the user
 * chose a renderer with GSK_RENDERER.
 */
static void
choose_renderer (void)
{
  g_autofree char *renderer = NULL;

  if (g_getenv ("GSK_RENDERER") != NULL)
    return;
  renderer = gl_renderer_name ();
  if (renderer != NULL && (strstr (renderer, "llvmpipe") != NULL || strstr (renderer, "softpipe") != NULL
                           || strstr (renderer, "Software Rasterizer") != NULL))
    {
      g_debug ("OpenGL is emulated in software (%s): drawing with cairo", renderer);
      g_setenv ("GSK_RENDERER", "cairo", FALSE);
    }
}

static void
lq_application_startup (GApplication *app)
{
  LqApplication *self = LQ_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *add_accels[] = { "<Control>i", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *save_accels[] = { "<Control>s", NULL };
  static const char *save_as_accels[] = { "<Control><Shift>s", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };
  static const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "win.undo", { "<Control>z", NULL } },
    { "win.redo", { "<Control><Shift>z", "<Control>y", NULL } },
    { "win.loop", { "<Control>l", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", NULL } },
    { "win.zoom-out", { "<Control>minus", NULL } },
    { "win.zoom-fit", { "<Control>0", NULL } },
    { "win.move-track-up", { "<Alt>Up", NULL } },
    { "win.move-track-down", { "<Alt>Down", NULL } },
    { "win.stop", { "<Control>period", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
  };

  G_APPLICATION_CLASS (lq_application_parent_class)->startup (app);

  choose_renderer ();
  gst_init (NULL, NULL);
  lq_elements_init ();

  self->settings = g_settings_new (APP_ID);
  g_settings_bind_with_mapping (self->settings, "color-scheme",
                                adw_style_manager_get_default (), "color-scheme",
                                G_SETTINGS_BIND_GET, color_scheme_to_adw, NULL, NULL, NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.add-tracks", add_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.save", save_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.save-as", save_as_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
}

static void
lq_application_dispose (GObject *object)
{
  LqApplication *self = LQ_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lq_application_parent_class)->dispose (object);
}

static void
lq_application_class_init (LqApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = lq_application_dispose;
  app_class->activate = lq_application_activate;
  app_class->open = lq_application_open;
  app_class->startup = lq_application_startup;
  app_class->handle_local_options = lq_application_handle_local_options;
}

static void
lq_application_init (LqApplication *self)
{
  static const GOptionEntry entries[] = {
    { "audio-sink", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("The audio output, a GStreamer description such as “fakesink sync=true” (else the audio-sink setting)"),
      N_("SINK") },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

LqApplication *
lq_application_new (void)
{
  return g_object_new (LQ_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", APP_PATH,
                       NULL);
}

/**
 * lq_application_get_settings:
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
lq_application_get_settings (LqApplication *self)
{
  g_return_val_if_fail (LQ_IS_APPLICATION (self), NULL);
  return self->settings;
}
