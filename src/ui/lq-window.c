/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-window"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lq-analyzer.h"
#include "lq-chain-params.h"
#include "lq-meters-panel.h"
#include "lq-track-row.h"
#include "lq-window-private.h"

#define READOUT_INTERVAL_US (100 * G_TIME_SPAN_MILLISECOND) /* the clock while playing */

#define MEASURE_DELAY_MS 600 /* edits pause this long before the album is measured again */

struct _LqWindowPending
{
  LqWindow *self;
  LqWindowProceedFunc proceed;
  gpointer data;
  GDestroyNotify destroy;
};

typedef struct _LqWindowPending Pending;

G_DEFINE_FINAL_TYPE (LqWindow, lq_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_LOOP,
  PROP_AB_SIDE,
  PROP_MATCH,
  PROP_REFERENCE,
  PROP_REFERENCE_POSITION,
  PROP_SHOW_METERS,
  PROP_SHOW_CHAIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_playing_track (LqWindow *self);

/* ---- Title, summary ---- */

static char *
format_duration (double seconds)
{
  guint total = (guint) (seconds + 0.5);

  return g_strdup_printf ("%u:%02u", total / 60, total % 60);
}

static char *
project_display_name (LqWindow *self)
{
  const char *title = lq_project_get_title (self->project);
  GFile *file = lq_project_get_file (self->project);

  if (title != NULL && *title)
    return g_strdup (title);
  if (file != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      if (g_str_has_suffix (name, ".lacquer"))
        name[strlen (name) - strlen (".lacquer")] = '\0';
      return g_steal_pointer (&name);
    }
  if (lq_project_get_n_tracks (self->project) > 0)
    return g_strdup (_("Untitled Album"));
  return g_strdup (_("Lacquer"));
}

static void
update_title (LqWindow *self)
{
  g_autofree char *name = project_display_name (self);
  g_autofree char *title = NULL;
  g_autofree char *window_title = NULL;
  gboolean modified = self->history != NULL && lq_history_is_modified (self->history);

  /* The unsaved-changes mark, as GNOME Text Editor shows it. */
  title = modified ? g_strdup_printf ("• %s", name) : g_strdup (name);
  adw_window_title_set_title (self->window_title, title);
  window_title = g_str_equal (name, _("Lacquer")) ? g_strdup (title) : g_strdup_printf ("%s — %s", title, _("Lacquer"));
  gtk_window_set_title (GTK_WINDOW (self), window_title);
}

static void
update_summary (LqWindow *self)
{
  guint n = lq_project_get_n_tracks (self->project);
  double total = 0.0;
  g_autofree char *length = NULL;
  g_autofree char *summary = NULL;

  for (guint i = 0; i < n; i++)
    total += lq_track_get_duration (lq_project_get_track (self->project, i));
  length = format_duration (total);
  /* Translators: the album's track count and total length, as in "4 tracks · 1:48" */
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u track · %s", "%u tracks · %s", n), n, length);
  adw_window_title_set_subtitle (self->window_title, n > 0 ? summary : NULL);
  if (self->delivered != NULL)
    {
      g_autofree char *lufs = lq_format_db (self->delivered->album.integrated_lufs, "LUFS");
      /* Translators: the album summary and its integrated loudness */
      g_autofree char *text = g_strdup_printf (_("%s · album %s"), summary, lufs);
      gtk_label_set_label (self->album_summary, text);
    }
  else if (self->delivering != NULL || self->measure_idle != 0)
    {
      g_autofree char *text = g_strdup_printf (_("%s · measuring loudness…"), summary);
      gtk_label_set_label (self->album_summary, text);
    }
  else
    gtk_label_set_label (self->album_summary, summary);
  gtk_stack_set_visible_child_name (self->main_stack, n > 0 ? "workspace" : "empty");
  if (self->meters_panel != NULL)
    _lq_window_update_programme (self);
  update_title (self);
}

/* The waveform marks samples over the master limiter's ceiling (-1 dBFS without one). */
static void
update_ceiling (LqWindow *self)
{
  LqChainElement *limiter = lq_chain_find (lq_project_get_master (self->project), "lqlimiter");
  const char *value = limiter != NULL ? lq_chain_element_get (limiter, "ceiling") : NULL;

  lq_waveform_view_set_ceiling (self->waveform, value != NULL ? g_ascii_strtod (value, NULL) : -1.0);
}

/* ---- Messages ---- */

/* For the callbacks of the window's background jobs: the window may close meanwhile (its
 * jobs are cancelled then, and their callbacks find no window). */
gpointer
_lq_window_weak_new (LqWindow *self)
{
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  g_weak_ref_init (weak, self);
  return weak;
}

/* Returns: (transfer full) (nullable): the window of a _lq_window_weak_new() reference, which
 * is freed */
LqWindow *
_lq_window_weak_take (gpointer weak)
{
  LqWindow *self = g_weak_ref_get (weak);

  g_weak_ref_clear (weak);
  g_free (weak);
  return self;
}

void
_lq_window_show_error (LqWindow     *self,
                       const GError *error)
{
  AdwToast *toast = adw_toast_new (error->message);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_lq_window_toast (LqWindow   *self,
                  const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* ---- Loudness as delivered ---- */

/* The album is measured after every audible edit, once edits pause: each track's loudness and
 * true peak after its chain and the master chain, as the masters will have them. */

/**
 * _lq_window_lookup_delivered:
 *
 * Returns: (nullable): @track's values as delivered, %NULL before its first measurement
 */
const LqLoudnessSummary *
_lq_window_lookup_delivered (LqWindow *self,
                             LqTrack  *track)
{
  for (guint i = 0; self->delivered != NULL && i < self->delivered->n_tracks; i++)
    if (self->delivered->tracks[i].track == track)
      return &self->delivered->tracks[i].loudness;
  return NULL;
}

static void
apply_delivered (LqWindow *self)
{
  for (guint i = 0; self->delivered != NULL && i < self->delivered->n_tracks; i++)
    {
      const LqTrackLoudness *t = &self->delivered->tracks[i];

      if (t->track != NULL)
        lq_track_list_set_loudness (self->track_list, t->track, t->loudness.integrated_lufs,
                                    t->loudness.true_peak_dbtp);
    }
  lq_track_list_set_loudness_stale (self->track_list, self->delivered_stale);
  update_summary (self);
}

static void
measured_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LqWindow) self = _lq_window_weak_take (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAlbumLoudness) values = lq_render_measure_finish (result, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->delivering);
  if (values == NULL)
    {
      /* Once per reason: the measurement runs again after every edit. */
      if (g_strcmp0 (self->delivered_error, error->message) != 0)
        {
          g_autoptr(GError) shown = g_error_new (error->domain, error->code,
                                                 _("Cannot measure the album’s loudness: %s"), error->message);
          _lq_window_show_error (self, shown);
          g_free (self->delivered_error);
          self->delivered_error = g_strdup (error->message);
        }
      update_summary (self);
      return;
    }
  g_clear_pointer (&self->delivered_error, g_free);
  g_clear_pointer (&self->delivered, lq_album_loudness_free);
  self->delivered = g_steal_pointer (&values);
  self->delivered_stale = FALSE;
  apply_delivered (self);
}

static void
cancel_measuring (LqWindow *self)
{
  g_clear_handle_id (&self->measure_idle, g_source_remove);
  if (self->delivering != NULL)
    g_cancellable_cancel (self->delivering);
  g_clear_object (&self->delivering);
}

static void
start_measuring (LqWindow *self)
{
  cancel_measuring (self);
  if (lq_project_get_n_tracks (self->project) == 0)
    {
      g_clear_pointer (&self->delivered, lq_album_loudness_free);
      update_summary (self);
      return;
    }
  self->delivering = g_cancellable_new ();
  lq_render_measure_async (self->project, self->delivering, measured_cb, _lq_window_weak_new (self));
  update_summary (self);
}

static gboolean
measure_idle_cb (gpointer user_data)
{
  LqWindow *self = user_data;

  self->measure_idle = 0;
  start_measuring (self);
  return G_SOURCE_REMOVE;
}

/* The project changed audibly: the values shown go stale and are measured again once edits
 * have paused for @delay_ms (a running measurement of the old state is dropped now). */
static void
schedule_measuring (LqWindow *self,
                    guint     delay_ms)
{
  cancel_measuring (self);
  if (self->delivered != NULL && !self->delivered_stale)
    {
      self->delivered_stale = TRUE;
      lq_track_list_set_loudness_stale (self->track_list, TRUE);
      update_summary (self);
    }
  self->measure_idle = g_timeout_add (delay_ms, measure_idle_cb, self);
}

/* ---- Model signals ---- */

static void
tracks_changed_cb (LqWindow   *self,
                   guint       position,
                   guint       removed,
                   guint       added,
                   GListModel *model)
{
  update_summary (self);
}

static void
history_notify_cb (LqWindow   *self,
                   GParamSpec *pspec,
                   LqHistory  *history)
{
  update_title (self);
  _lq_window_update_actions (self);
}

static void
layout_changed_cb (LqWindow      *self,
                   gboolean       audible,
                   LqAlbumLayout *layout)
{
  if (audible)
    {
      lq_transport_invalidate (self->transport);
      schedule_measuring (self, MEASURE_DELAY_MS);
    }
  update_ceiling (self);
  update_playing_track (self);
}

/* ---- Transport ---- */

static void
update_playing_track (LqWindow *self)
{
  const LqPlacement *p = lq_album_layout_find_at (self->layout, lq_transport_get_position (self->transport));
  int at = p != NULL ? (int) p->index : -1;
  int index = lq_transport_get_playing (self->transport) ? at : -1;

  /* The loudness view speaks of the track under the playhead, playing or not. */
  if (at != self->playhead_track)
    {
      self->playhead_track = at;
      _lq_window_update_programme (self);
    }
  if (index == self->playing_track)
    return;
  self->playing_track = index;
  lq_track_list_set_playing (self->track_list, index);
  lq_timeline_set_playing_track (self->timeline, index);
}

static void
position_cb (LqWindow    *self,
             GParamSpec  *pspec,
             LqTransport *transport)
{
  guint64 position = lq_transport_get_position (transport);
  guint rate = lq_transport_get_rate (transport);
  gint64 now = g_get_monotonic_time ();

  /* While playing, the clock is redrawn 10 times a second (the position comes 30 times): each
   * redraw costs a frame of the whole window. Stopped, paused or seeking, it is exact at once. */
  if (!lq_transport_get_playing (transport) || now - self->readout_time >= READOUT_INTERVAL_US)
    {
      g_autofree char *time = lq_format_time (position, rate);
      g_autofree char *msf = lq_format_msf (position, rate);

      lq_readout_set_text (self->position_label, time);
      lq_readout_set_text (self->msf_label, msf);
      self->readout_time = now;
    }
  lq_timeline_set_position (self->timeline, position);
  lq_waveform_view_set_position (self->waveform, position);
  update_playing_track (self);
}

static void
playing_cb (LqWindow    *self,
            GParamSpec  *pspec,
            LqTransport *transport)
{
  gboolean playing = lq_transport_get_playing (transport);

  gtk_button_set_icon_name (self->play_button, playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), playing ? _("Pause (Space)") : _("Play (Space)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  playing ? _("Pause") : _("Play"), -1);
  update_playing_track (self);
}

static void
loop_cb (LqWindow    *self,
         GParamSpec  *pspec,
         LqTransport *transport)
{
  guint64 start = lq_transport_get_loop_start (transport);
  guint64 end = lq_transport_get_loop_end (transport);

  lq_timeline_set_loop (self->timeline, start, end);
  lq_waveform_view_set_loop (self->waveform, start, end);
  if (g_str_equal (pspec->name, "loop-enabled"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP]);
}

static void
transport_error_cb (LqWindow     *self,
                    const GError *error,
                    LqTransport  *transport)
{
  _lq_window_show_error (self, error);
}

static void
seek_cb (LqWindow *self,
         guint64   sample,
         gpointer  view)
{
  LqProject *project = self->project;

  if (lq_project_get_cd_mode (project))
    sample = sample / LQ_CD_FRAME_FRAMES * LQ_CD_FRAME_FRAMES;
  lq_transport_seek (self->transport, sample);
}

static void
loop_selected_cb (LqWindow *self,
                  guint64   start,
                  guint64   end,
                  gpointer  view)
{
  lq_transport_set_loop (self->transport, start, end);
}

static void
waveform_view_cb (LqWindow       *self,
                  GParamSpec     *pspec,
                  LqWaveformView *view)
{
  lq_timeline_set_visible_range (self->timeline, lq_waveform_view_get_view_start (view),
                                 lq_waveform_view_get_view_end (view));
}

static void
processed_toggled_cb (LqWindow        *self,
                      GtkToggleButton *button)
{
  lq_waveform_view_set_show_processed (self->waveform, gtk_toggle_button_get_active (button));
  lq_timeline_set_show_processed (self->timeline, gtk_toggle_button_get_active (button));
}

/* ---- Selection ---- */

/**
 * _lq_window_select_track:
 * @show: also show the track in the waveform view
 */
void
_lq_window_select_track (LqWindow *self,
                         int       index,
                         gboolean  show)
{
  const LqPlacement *p;

  lq_track_list_set_selected (self->track_list, index);
  if (show && index >= 0 && (p = lq_album_layout_find_track (self->layout, index)) != NULL)
    {
      guint64 margin = (p->end - p->start) / 40;
      lq_waveform_view_set_view (self->waveform, p->start > margin ? p->start - margin : 0, p->end + margin);
    }
}

static void
selected_cb (LqWindow    *self,
             GParamSpec  *pspec,
             LqTrackList *list)
{
  int index = lq_track_list_get_selected (list);

  lq_inspector_set_track (self->inspector, lq_track_list_get_selected_track (list));
  lq_chain_panel_set_track (self->chain_view, lq_track_list_get_selected_track (list));
  lq_timeline_set_selected (self->timeline, index);
  lq_waveform_view_set_selected (self->waveform, index);
  _lq_window_update_actions (self);
}

static void
track_activated_cb (LqWindow   *self,
                    int         index,
                    LqTimeline *timeline)
{
  lq_track_list_set_selected (self->track_list, index);
}

static void
list_activated_cb (LqWindow    *self,
                   int          index,
                   LqTrackList *list)
{
  const LqPlacement *p = lq_album_layout_find_track (self->layout, index);

  _lq_window_select_track (self, index, TRUE);
  if (p != NULL)
    lq_transport_seek (self->transport, p->start);
}

static void
remove_requested_cb (LqWindow    *self,
                     int          index,
                     LqTrackList *list)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.remove-track", NULL);
}

/* ---- Files ---- */

static gboolean
is_project_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  return name != NULL && g_str_has_suffix (name, ".lacquer");
}

typedef struct
{
  LqWindow *self;   /* a reference */
  guint n_before;   /* tracks before the new ones */
} AddFiles;

/**
 * _lq_window_apply_default_chain:
 * @description: the `default-chain` setting: element factories separated by commas, each with
 *   an optional preset of lq-chain-presets.json after a colon ("lqeq,lqcompressor:Gentle Glue")
 *
 * Gives @chain, when empty, the default processing for new tracks.
 */
void
_lq_window_apply_default_chain (LqChain    *chain,
                                const char *description)
{
  g_auto(GStrv) parts = NULL;

  if (description == NULL || *description == '\0' || lq_chain_get_n_elements (chain) > 0)
    return;
  parts = g_strsplit (description, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (g_strstrip (parts[i]), ":", 2);
      g_autoptr(LqChainElement) element = NULL;
      g_autoptr(GstElementFactory) factory = NULL;

      if (pair[0] == NULL || *pair[0] == '\0' || (factory = gst_element_factory_find (pair[0])) == NULL)
        {
          g_warning ("The default chain names an unknown element “%s”", parts[i]);
          continue;
        }
      element = lq_chain_presets_new_element (pair[0]);
      if (pair[1] != NULL && !lq_chain_presets_apply (NULL, element, g_strstrip (pair[1])))
        g_warning ("No preset “%s” for %s", pair[1], pair[0]);
      lq_chain_append (chain, element);
    }
}

static void
add_files_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AddFiles *add = user_data;
  g_autoptr(LqWindow) self = add->self;
  guint n_before = add->n_before;
  g_autoptr(GError) error = NULL;

  g_free (add);
  if (!lq_project_add_files_finish (LQ_PROJECT (object), result, &error))
    _lq_window_show_error (self, error);
  /* The new tracks start with the default chain of the preferences */
  if (self->settings != NULL && LQ_PROJECT (object) == self->project)
    {
      g_autofree char *chain = g_settings_get_string (self->settings, "default-chain");

      for (guint i = n_before; i < lq_project_get_n_tracks (self->project); i++)
        _lq_window_apply_default_chain (lq_track_get_chain (lq_project_get_track (self->project, i)), chain);
    }
  /* Adding tracks is not undoable (the files are probed first), but it is a change. */
  if (self->history != NULL && LQ_PROJECT (object) == self->project)
    lq_history_mark_unsaved (self->history);
}

static void
open_project_proceed (LqWindow *self,
                      gpointer  data)
{
  lq_window_open_file (self, data);
}

static gboolean
drop_cb (LqWindow      *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  GSList *list;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  list = g_value_get_boxed (value);
  for (GSList *l = list; l != NULL; l = l->next)
    {
      if (is_project_file (l->data))
        {
          _lq_window_confirm_discard (self, open_project_proceed, g_object_ref (l->data), g_object_unref);
          return TRUE;
        }
      g_ptr_array_add (files, l->data);
    }
  lq_window_add_files (self, (GFile **) files->pdata, files->len);
  return TRUE;
}

static void
project_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LqWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = lq_project_load_finish (result, &error);

  if (project == NULL)
    {
      _lq_window_show_error (self, error);
      return;
    }
  lq_window_set_project (self, project);
  if (lq_project_get_file (project) != NULL)
    _lq_window_add_recent (self, lq_project_get_file (project));
}

/* ---- Recent projects ---- */

static void
update_recent_menu (LqWindow *self)
{
  g_auto(GStrv) recent = NULL;
  g_autoptr(GMenu) section = g_menu_new ();

  g_menu_remove_all (self->recent_menu);
  if (self->settings == NULL)
    return;
  recent = g_settings_get_strv (self->settings, "recent-projects");
  for (guint i = 0; recent[i] != NULL && i < LQ_RECENT_MAX; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (recent[i]);
      g_autofree char *name = g_file_get_basename (file);
      g_autoptr(GMenuItem) item = NULL;

      if (name == NULL)
        continue;
      if (g_str_has_suffix (name, ".lacquer"))
        name[strlen (name) - strlen (".lacquer")] = '\0';
      item = g_menu_item_new (name, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (recent[i]));
      g_menu_append_item (section, item);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (section)) == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No Recent Projects"), "win.no-recent");
      g_menu_append_item (section, item);
    }
  g_menu_append_section (self->recent_menu, _("Recent Projects"), G_MENU_MODEL (section));
  if (recent[0] != NULL)
    {
      g_autoptr(GMenu) clear = g_menu_new ();
      g_menu_append (clear, _("_Clear the List"), "win.clear-recent");
      g_menu_append_section (self->recent_menu, NULL, G_MENU_MODEL (clear));
    }
}

void
_lq_window_add_recent (LqWindow *self,
                       GFile    *file)
{
  g_auto(GStrv) recent = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *uri = g_file_get_uri (file);
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  if (self->settings == NULL)
    return;
  recent = g_settings_get_strv (self->settings, "recent-projects");
  g_strv_builder_add (builder, uri);
  for (guint i = 0; recent[i] != NULL && n < LQ_RECENT_MAX; i++)
    if (!g_str_equal (recent[i], uri))
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-projects", (const char * const *) updated);
}

/* ---- Saving, closing, recovery ---- */

static void
pending_free (Pending *pending)
{
  if (pending->destroy != NULL)
    pending->destroy (pending->data);
  g_free (pending);
}

static gboolean
proceed_idle_cb (gpointer data)
{
  Pending *pending = data;

  pending->proceed (pending->self, pending->data);
  return G_SOURCE_REMOVE;
}

static void
proceed_idle_free (gpointer data)
{
  Pending *pending = data;

  g_object_unref (pending->self);
  pending_free (pending);
}

/* Goes on with @pending from the main loop, out of the dialog's or the save's callback (which
 * may close the window). */
static void
proceed_later (Pending *pending)
{
  g_object_ref (pending->self);
  g_idle_add_full (G_PRIORITY_DEFAULT, proceed_idle_cb, pending, proceed_idle_free);
}

static void
run_pending (LqWindow *self,
             gboolean  saved)
{
  Pending *pending = self->pending;

  if (pending == NULL)
    return;
  self->pending = NULL;
  if (saved)
    proceed_later (pending);
  else
    pending_free (pending);
}

/* The Save As dialog was cancelled: what waited for the save does not happen. */
void
_lq_window_cancel_pending (LqWindow *self)
{
  run_pending (self, FALSE);
}

void
_lq_window_save_to (LqWindow *self,
                    GFile    *file)
{
  g_autoptr(GError) error = NULL;

  if (!lq_project_save (self->project, file, NULL, &error))
    {
      _lq_window_show_error (self, error);
      run_pending (self, FALSE);
      return;
    }
  else
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *message = g_strdup_printf (_("Saved “%s”"), name);

      lq_history_mark_saved (self->history);
      _lq_window_add_recent (self, file);
      _lq_window_toast (self, message);
      update_title (self);
    }
  run_pending (self, TRUE);
}

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Pending          *pending)
{
  LqWindow *self = pending->self;

  /* One answer per dialog: @pending is used up here. */
  g_signal_handlers_disconnect_by_func (dialog, discard_response_cb, pending);
  if (g_str_equal (response, "discard"))
    {
      proceed_later (pending);
      return;
    }
  else if (g_str_equal (response, "save"))
    {
      /* Go on once saved (after the Save As dialog when the project has no file yet). */
      if (self->pending != NULL)
        pending_free (self->pending);
      self->pending = pending;
      if (lq_project_get_file (self->project) != NULL)
        _lq_window_save_to (self, lq_project_get_file (self->project));
      else
        _lq_window_save_as (self);
      return;
    }
  pending_free (pending);
}

/**
 * _lq_window_confirm_discard:
 *
 * Calls @proceed at once when the project has no unsaved changes; else asks first (Save,
 * Discard, Cancel) and calls it after saving or discarding.
 */
void
_lq_window_confirm_discard (LqWindow      *self,
                            LqWindowProceedFunc proceed,
                            gpointer       data,
                            GDestroyNotify destroy)
{
  Pending *pending;
  GtkWidget *dialog;
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;

  if (self->history == NULL || !lq_history_is_modified (self->history))
    {
      proceed (self, data);
      if (destroy != NULL)
        destroy (data);
      return;
    }
  pending = g_new0 (Pending, 1);
  pending->self = self;
  pending->proceed = proceed;
  pending->data = data;
  pending->destroy = destroy;

  name = project_display_name (self);
  body = g_strdup_printf (_("“%s” has changes that are not saved. Changes that are not saved are lost."), name);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (discard_response_cb), pending);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_proceed (LqWindow *self,
               gpointer  data)
{
  self->closing = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
lq_window_close_request (GtkWindow *window)
{
  LqWindow *self = LQ_WINDOW (window);

  if (!self->closing && self->history != NULL && lq_history_is_modified (self->history))
    {
      _lq_window_confirm_discard (self, close_proceed, NULL, NULL);
      return TRUE;
    }
  /* A clean close: nothing to recover next time. */
  lq_transport_pause (self->transport);
  if (self->autosave != NULL)
    lq_autosave_discard (self->autosave);
  return GTK_WINDOW_CLASS (lq_window_parent_class)->close_request (window);
}

typedef struct
{
  LqWindow *self;
  LqAutosaveEntry *entry;
} Recovery;

static void
recovered_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Recovery *recovery = user_data;
  g_autoptr(LqWindow) self = recovery->self;
  g_autoptr(LqAutosaveEntry) entry = recovery->entry;
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = lq_autosave_recover_finish (result, &error);

  g_free (recovery);
  if (project == NULL)
    {
      _lq_window_show_error (self, error);
      return;
    }
  lq_window_set_project (self, project);
  /* The recovered work is not saved; the next autosave replaces the old one. */
  lq_history_mark_unsaved (self->history);
  lq_autosave_adopt (self->autosave, entry);
  _lq_window_toast (self, _("Unsaved work recovered"));
}

static void
recovery_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      LqWindow         *self)
{
  GPtrArray *entries = g_object_get_data (G_OBJECT (dialog), "entries");

  if (g_str_equal (response, "recover"))
    {
      for (guint i = 0; i < entries->len; i++)
        {
          LqWindow *target = self;
          Recovery *recovery = g_new0 (Recovery, 1);

          /* The newest in this window when it is empty, the others each in a new window. */
          if (i > 0 || lq_project_get_n_tracks (self->project) > 0 || lq_history_is_modified (self->history))
            {
              target = lq_window_new (LQ_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
              gtk_window_present (GTK_WINDOW (target));
            }
          recovery->self = g_object_ref (target);
          recovery->entry = lq_autosave_entry_ref (g_ptr_array_index (entries, i));
          lq_autosave_recover_async (recovery->entry, NULL, recovered_cb, recovery);
        }
    }
  else if (g_str_equal (response, "discard"))
    {
      for (guint i = 0; i < entries->len; i++)
        {
          g_autoptr(GError) error = NULL;
          if (!lq_autosave_entry_discard (g_ptr_array_index (entries, i), &error))
            _lq_window_show_error (self, error);
        }
    }
}

/**
 * lq_window_offer_recovery:
 *
 * When autosaved work was left over (a crash), asks whether to recover it.
 */
void
lq_window_offer_recovery (LqWindow *self)
{
  g_autoptr(GFile) dir = lq_autosave_get_default_dir ();
  g_autoptr(GPtrArray) entries = lq_autosave_find_recoverable (dir);
  g_autoptr(GString) body = NULL;
  GtkWidget *dialog;

  g_return_if_fail (LQ_IS_WINDOW (self));

  if (entries == NULL || entries->len == 0)
    return;
  body = g_string_new (g_dngettext (GETTEXT_PACKAGE,
                                    "Lacquer closed without saving this project:",
                                    "Lacquer closed without saving these projects:", entries->len));
  for (guint i = 0; i < entries->len; i++)
    {
      LqAutosaveEntry *entry = g_ptr_array_index (entries, i);
      const char *title = lq_autosave_entry_get_title (entry);
      g_autofree char *when = lq_autosave_entry_get_time (entry)
                              ? g_date_time_format (lq_autosave_entry_get_time (entry), "%x %X") : NULL;

      g_string_append_printf (body, "\n• %s%s%s%s", title != NULL && *title ? title : _("Untitled Album"),
                              when != NULL ? " (" : "", when != NULL ? when : "", when != NULL ? ")" : "");
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Recover Unsaved Work?"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "later", _("_Not Now"),
                                    "discard", _("_Discard"),
                                    "recover", _("_Recover"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "recover", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "recover");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "later");
  g_object_set_data_full (G_OBJECT (dialog), "entries", g_ptr_array_ref (entries), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (recovery_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Keys ---- */

static gboolean
is_typing (GtkWidget *focus)
{
  return focus != NULL
         && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus)
             || gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL);
}

static gboolean
key_pressed_cb (LqWindow              *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  const char *action = NULL;
  GVariant *param = NULL;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_SHIFT_MASK)) != 0
      || is_typing (focus)
      || g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "workspace") != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_space:
      /* A focused button or switch takes Space itself. */
      if (focus != NULL && (GTK_IS_BUTTON (focus) || GTK_IS_SWITCH (focus) || GTK_IS_CHECK_BUTTON (focus)))
        return FALSE;
      action = "win.play-pause";
      break;
    case GDK_KEY_j:
      action = "win.shuttle", param = g_variant_new_int32 (-1);
      break;
    case GDK_KEY_k:
      action = "win.shuttle", param = g_variant_new_int32 (0);
      break;
    case GDK_KEY_l:
      action = "win.shuttle", param = g_variant_new_int32 (1);
      break;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      action = "win.seek-start";
      break;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      action = "win.seek-end";
      break;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      action = "win.previous-track";
      break;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      action = "win.next-track";
      break;
    case GDK_KEY_b:
      action = "win.toggle-ab";
      break;
    case GDK_KEY_r:
      action = "win.toggle-reference";
      break;
    case GDK_KEY_Left:
    case GDK_KEY_Right:
      if (focus != GTK_WIDGET (self->timeline) && focus != GTK_WIDGET (self->waveform))
        return FALSE;
      action = "win.nudge", param = g_variant_new_int32 (keyval == GDK_KEY_Left ? -1 : 1);
      break;
    default:
      return FALSE;
    }
  gtk_widget_activate_action_variant (GTK_WIDGET (self), action, param);
  return TRUE;
}

/* ---- Caches ---- */

/* The peak folder of the `cache-location` setting: its "peaks" subfolder; NULL (the default,
 * under the user cache folder) when the setting is empty. */
char *
_lq_window_peak_cache_dir (GSettings *settings)
{
  g_autofree char *location = g_settings_get_string (settings, "cache-location");

  if (location == NULL || *location == '\0')
    return NULL;
  if (location[0] == '~' && (location[1] == '\0' || location[1] == G_DIR_SEPARATOR))
    {
      char *expanded = g_build_filename (g_get_home_dir (), location + 1, NULL);
      g_free (location);
      location = expanded;
    }
  return g_build_filename (location, "peaks", NULL);
}

static void
prune_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  const char *dir = g_object_get_data (G_OBJECT (task), "dir");
  guint64 max_bytes = *(guint64 *) task_data;
  g_autoptr(GError) error = NULL;
  guint removed = 0;

  if (!lq_peak_cache_prune (dir, max_bytes, &removed, cancellable, &error))
    g_debug ("cannot prune the peak cache: %s", error->message);
  else if (removed > 0)
    g_debug ("pruned %u peak files to stay under %" G_GUINT64_FORMAT " bytes", removed, max_bytes);
  g_task_return_boolean (task, TRUE);
}

/* Keeps the peak folder within `cache-size-mb` (least recently used files go first), in a
 * worker. */
static void
prune_cache (LqWindow *self)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  guint64 *max_bytes = g_new (guint64, 1);

  *max_bytes = (guint64) g_settings_get_uint (self->settings, "cache-size-mb") << 20;
  g_object_set_data_full (G_OBJECT (task), "dir", g_strdup (lq_peak_store_get_cache_dir (self->peaks)), g_free);
  g_task_set_task_data (task, max_bytes, g_free);
  g_task_run_in_thread (task, prune_thread);
}

/* ---- GObject ---- */

static void
settings_changed_cb (LqWindow   *self,
                     const char *key,
                     GSettings  *settings)
{
  _lq_window_listen_settings_changed (self, key);
  if (g_str_equal (key, "recent-projects"))
    update_recent_menu (self);
  else if (g_str_equal (key, "audio-sink") && g_getenv ("LACQUER_AUDIO_SINK") == NULL)
    {
      g_autofree char *sink = g_settings_get_string (settings, "audio-sink");
      lq_transport_set_sink (self->transport, sink);
    }
  else if (g_str_equal (key, "cache-location"))
    {
      g_autofree char *dir = _lq_window_peak_cache_dir (settings);
      lq_peak_store_set_cache_dir (self->peaks, dir);
      prune_cache (self);
    }
  else if (g_str_equal (key, "cache-size-mb"))
    prune_cache (self);
}

static void
lq_window_dispose (GObject *object)
{
  LqWindow *self = LQ_WINDOW (object);

  if (self->pending != NULL)
    g_clear_pointer (&self->pending, pending_free);
  cancel_measuring (self);
  _lq_window_listen_dispose (self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->transport != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->transport, self);
      lq_transport_set_project (self->transport, NULL);
    }
  if (self->autosave != NULL)
    lq_autosave_discard (self->autosave);
  g_clear_object (&self->autosave);
  if (self->project != NULL)
    {
      g_signal_handlers_disconnect_by_data (lq_project_get_tracks (self->project), self);
      g_signal_handlers_disconnect_by_data (self->project, self);
    }
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  if (self->layout != NULL)
    g_signal_handlers_disconnect_by_data (self->layout, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), LQ_TYPE_WINDOW);

  g_clear_object (&self->transport);
  g_clear_object (&self->layout);
  g_clear_object (&self->peaks);
  g_clear_object (&self->history);
  g_clear_object (&self->project);
  g_clear_object (&self->settings);
  g_clear_object (&self->recent_menu);
  g_clear_pointer (&self->loudness, g_hash_table_unref);
  g_clear_pointer (&self->delivered, lq_album_loudness_free);
  g_clear_pointer (&self->delivered_error, g_free);

  G_OBJECT_CLASS (lq_window_parent_class)->dispose (object);
}

static void
lq_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LqWindow *self = LQ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_LOOP:
      g_value_set_boolean (value, self->transport != NULL && lq_transport_get_loop_enabled (self->transport));
      break;
    case PROP_AB_SIDE:
      g_value_set_string (value, self->ab_side == LQ_AB_UNPROCESSED ? "unprocessed" : "processed");
      break;
    case PROP_MATCH:
      g_value_set_boolean (value, self->match);
      break;
    case PROP_REFERENCE:
      g_value_set_int (value, self->reference);
      break;
    case PROP_REFERENCE_POSITION:
      g_value_set_string (value, self->reference_position == LQ_REFERENCE_POSITION_OWN ? "own" : "shared");
      break;
    case PROP_SHOW_METERS:
      g_value_set_boolean (value, self->meters_area == NULL || gtk_widget_get_visible (self->meters_area));
      break;
    case PROP_SHOW_CHAIN:
      g_value_set_boolean (value, self->chain_panel == NULL || gtk_widget_get_visible (self->chain_panel));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  LqWindow *self = LQ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LOOP:
      /* Looping without a region loops the selected track. */
      if (g_value_get_boolean (value) && lq_transport_get_loop_end (self->transport) == 0)
        {
          const LqPlacement *p = lq_album_layout_find_track (self->layout, MAX (lq_window_get_selected (self), 0));
          if (p != NULL)
            lq_transport_set_loop (self->transport, p->start, p->end);
        }
      lq_transport_set_loop_enabled (self->transport, g_value_get_boolean (value));
      break;
    case PROP_AB_SIDE:
      _lq_window_set_ab_side (self, g_strcmp0 (g_value_get_string (value), "unprocessed") == 0
                                    ? LQ_AB_UNPROCESSED : LQ_AB_PROCESSED);
      break;
    case PROP_MATCH:
      _lq_window_set_match (self, g_value_get_boolean (value));
      break;
    case PROP_REFERENCE:
      _lq_window_set_reference (self, g_value_get_int (value));
      break;
    case PROP_REFERENCE_POSITION:
      _lq_window_set_reference_position (self, g_strcmp0 (g_value_get_string (value), "own") == 0
                                               ? LQ_REFERENCE_POSITION_OWN : LQ_REFERENCE_POSITION_SHARED);
      break;
    case PROP_SHOW_METERS:
      if (self->meters_area != NULL && gtk_widget_get_visible (self->meters_area) != g_value_get_boolean (value))
        {
          gtk_widget_set_visible (self->meters_area, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_SHOW_CHAIN:
      if (self->chain_panel != NULL && gtk_widget_get_visible (self->chain_panel) != g_value_get_boolean (value))
        {
          gtk_widget_set_visible (self->chain_panel, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_window_class_init (LqWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lq_window_dispose;
  object_class->get_property = lq_window_get_property;
  object_class->set_property = lq_window_set_property;
  window_class->close_request = lq_window_close_request;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, LQ_TYPE_PROJECT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOOP] =
    g_param_spec_boolean ("loop", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The listening state, given to each player (lq-window-listen.c): */
  properties[PROP_AB_SIDE] =
    g_param_spec_string ("ab-side", NULL, NULL, "processed",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MATCH] =
    g_param_spec_boolean ("match", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFERENCE] =
    g_param_spec_int ("reference", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFERENCE_POSITION] =
    g_param_spec_string ("reference-position", NULL, NULL, "shared",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_METERS] =
    g_param_spec_boolean ("show-meters", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_CHAIN] =
    g_param_spec_boolean ("show-chain", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LQ_TYPE_READOUT);
  g_type_ensure (LQ_TYPE_TIMELINE);
  g_type_ensure (LQ_TYPE_TRACK_LIST);
  g_type_ensure (LQ_TYPE_INSPECTOR);
  g_type_ensure (LQ_TYPE_WAVEFORM_VIEW);
  g_type_ensure (LQ_TYPE_CHAIN_PANEL);
  g_type_ensure (LQ_TYPE_METERS_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/lq-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LqWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, position_label);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, msf_label);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, ab_area);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, track_list);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, album_summary);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, waveform);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, processed_button);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, chain_paned);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, chain_panel);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, chain_view);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, meters_area);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, meters_panel);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, reference_label);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, reference_button);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, references_section);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, match_button);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, match_label);

  _lq_window_class_init_actions (widget_class);
  gtk_widget_class_install_property_action (widget_class, "win.loop", "loop");
  _lq_window_listen_class_init (widget_class);
  gtk_widget_class_install_property_action (widget_class, "win.ab-side", "ab-side");
  gtk_widget_class_install_property_action (widget_class, "win.match", "match");
  gtk_widget_class_install_property_action (widget_class, "win.reference", "reference");
  gtk_widget_class_install_property_action (widget_class, "win.reference-position", "reference-position");
  gtk_widget_class_install_property_action (widget_class, "win.show-meters", "show-meters");
  gtk_widget_class_install_property_action (widget_class, "win.show-chain", "show-chain");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "win.show-meters", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.show-chain", NULL);
}

static void
lq_window_init (LqWindow *self)
{
  GtkDropTarget *drop;
  GtkEventController *keys;
  const char *sink = g_getenv ("LACQUER_AUDIO_SINK");

  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->playing_track = -1;
  self->playhead_track = -1;
  self->loudness = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) lq_analysis_free);
  self->recent_menu = g_menu_new ();
  adw_split_button_set_menu_model (self->open_button, G_MENU_MODEL (self->recent_menu));

  self->peaks = lq_peak_store_new (NULL);
  self->layout = lq_album_layout_new (self->peaks);
  g_signal_connect_object (self->layout, "changed", G_CALLBACK (layout_changed_cb), self, G_CONNECT_SWAPPED);
  self->transport = lq_transport_new ();
  if (sink != NULL && *sink)
    lq_transport_set_sink (self->transport, sink);
  g_signal_connect_object (self->transport, "notify::position", G_CALLBACK (position_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->transport, "notify::playing", G_CALLBACK (playing_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->transport, "notify::loop-start", G_CALLBACK (loop_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->transport, "notify::loop-end", G_CALLBACK (loop_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->transport, "notify::loop-enabled", G_CALLBACK (loop_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->transport, "error", G_CALLBACK (transport_error_cb), self, G_CONNECT_SWAPPED);
  _lq_window_listen_init (self);

  lq_timeline_set_layout (self->timeline, self->layout);
  lq_waveform_view_set_layout (self->waveform, self->layout);
  g_signal_connect_swapped (self->timeline, "seek", G_CALLBACK (seek_cb), self);
  g_signal_connect_swapped (self->waveform, "seek", G_CALLBACK (seek_cb), self);
  g_signal_connect_swapped (self->timeline, "loop-selected", G_CALLBACK (loop_selected_cb), self);
  g_signal_connect_swapped (self->waveform, "loop-selected", G_CALLBACK (loop_selected_cb), self);
  g_signal_connect_swapped (self->timeline, "track-activated", G_CALLBACK (track_activated_cb), self);
  g_signal_connect_swapped (self->waveform, "notify::view-start", G_CALLBACK (waveform_view_cb), self);
  g_signal_connect_swapped (self->waveform, "notify::view-end", G_CALLBACK (waveform_view_cb), self);
  g_signal_connect_swapped (self->track_list, "notify::selected", G_CALLBACK (selected_cb), self);
  g_signal_connect_swapped (self->track_list, "activated", G_CALLBACK (list_activated_cb), self);
  g_signal_connect_swapped (self->track_list, "remove-requested", G_CALLBACK (remove_requested_cb), self);
  g_signal_connect_swapped (self->processed_button, "toggled", G_CALLBACK (processed_toggled_cb), self);

  _lq_window_init_actions (self);

  {
    g_autoptr(LqProject) project = lq_project_new ();
    lq_window_set_project (self, project);
  }

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_swapped (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  update_recent_menu (self);
}

LqWindow *
lq_window_new (LqApplication *application)
{
  LqWindow *self = g_object_new (LQ_TYPE_WINDOW, "application", application, NULL);
  GSettings *settings = application ? lq_application_get_settings (application) : NULL;

  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "show-meters", self, "show-meters", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "show-chain", self, "show-chain", G_SETTINGS_BIND_DEFAULT);
      g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
      settings_changed_cb (self, "audio-sink", settings);
      settings_changed_cb (self, "default-delivery-preset", settings);
      settings_changed_cb (self, "cache-location", settings);
      update_recent_menu (self);
    }
  return self;
}

/**
 * lq_window_get_project:
 *
 * Returns: (transfer none): the project shown in the window
 */
LqProject *
lq_window_get_project (LqWindow *self)
{
  g_return_val_if_fail (LQ_IS_WINDOW (self), NULL);
  return self->project;
}

/**
 * lq_window_get_history:
 *
 * Returns: (transfer none): the undo history of the project shown
 */
LqHistory *
lq_window_get_history (LqWindow *self)
{
  g_return_val_if_fail (LQ_IS_WINDOW (self), NULL);
  return self->history;
}

/**
 * lq_window_get_transport:
 *
 * Returns: (transfer none): the window's playback
 */
LqTransport *
lq_window_get_transport (LqWindow *self)
{
  g_return_val_if_fail (LQ_IS_WINDOW (self), NULL);
  return self->transport;
}

/**
 * lq_window_get_selected:
 *
 * Returns: the selected track's index, -1 for none
 */
int
lq_window_get_selected (LqWindow *self)
{
  g_return_val_if_fail (LQ_IS_WINDOW (self), -1);
  return lq_track_list_get_selected (self->track_list);
}

/**
 * lq_window_add_files:
 *
 * Adds audio files as tracks at the end of the album; the files are probed in a worker
 * thread and a toast names any file that could not be added.
 */
void
lq_window_add_files (LqWindow  *self,
                     GFile    **files,
                     guint      n_files)
{
  AddFiles *add;

  g_return_if_fail (LQ_IS_WINDOW (self));

  if (n_files == 0)
    return;
  add = g_new0 (AddFiles, 1);
  add->self = g_object_ref (self);
  add->n_before = lq_project_get_n_tracks (self->project);
  lq_project_add_files_async (self->project, files, n_files, NULL, add_files_cb, add);
}

/**
 * lq_window_set_project:
 *
 * Shows @project in the window (the track list, the timeline, the title), with a new undo
 * history and autosave.
 */
void
lq_window_set_project (LqWindow  *self,
                       LqProject *project)
{
  g_autoptr(LqProject) old_project = NULL;

  g_return_if_fail (LQ_IS_WINDOW (self));
  g_return_if_fail (LQ_IS_PROJECT (project));

  old_project = self->project != NULL ? g_object_ref (self->project) : NULL;

  cancel_measuring (self);
  if (self->project != NULL)
    {
      g_signal_handlers_disconnect_by_data (lq_project_get_tracks (self->project), self);
      g_signal_handlers_disconnect_by_data (self->project, self);
    }
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  if (self->autosave != NULL)
    lq_autosave_discard (self->autosave);
  g_clear_object (&self->autosave);
  g_hash_table_remove_all (self->loudness);
  g_clear_pointer (&self->delivered, lq_album_loudness_free);
  self->delivered_stale = FALSE;
  self->playing_track = -1;
  self->playhead_track = -1;

  g_set_object (&self->project, project);
  g_clear_object (&self->history);
  self->history = lq_history_new ();
  self->autosave = lq_autosave_new (project, self->history, NULL);

  g_signal_connect_object (lq_project_get_tracks (project), "items-changed",
                           G_CALLBACK (tracks_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "notify::title", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "notify::file", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "notify::modified", G_CALLBACK (history_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "notify::can-undo", G_CALLBACK (history_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "notify::can-redo", G_CALLBACK (history_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "notify::undo-label", G_CALLBACK (history_notify_cb), self, G_CONNECT_SWAPPED);

  lq_transport_set_project (self->transport, project);
  lq_album_layout_set_project (self->layout, project);
  lq_track_list_set_project (self->track_list, project, self->history);
  lq_inspector_set_project (self->inspector, project, self->history);
  lq_inspector_set_track (self->inspector, lq_track_list_get_selected_track (self->track_list));
  lq_chain_panel_set_history (self->chain_view, self->history);
  lq_chain_panel_set_project (self->chain_view, project);
  lq_chain_panel_set_track (self->chain_view, lq_track_list_get_selected_track (self->track_list));
  lq_timeline_set_history (self->timeline, self->history);
  lq_timeline_zoom_to_fit (self->timeline);
  lq_waveform_view_zoom_to_fit (self->waveform);
  update_ceiling (self);
  update_summary (self);
  _lq_window_listen_set_project (self, old_project);
  _lq_window_update_actions (self);
  schedule_measuring (self, MEASURE_DELAY_MS);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

/**
 * lq_window_open_file:
 *
 * Opens a .lacquer project in this window; a toast explains a file that cannot be opened.
 */
void
lq_window_open_file (LqWindow *self,
                     GFile    *file)
{
  g_return_if_fail (LQ_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  lq_project_load_async (file, NULL, project_loaded_cb, g_object_ref (self));
}
