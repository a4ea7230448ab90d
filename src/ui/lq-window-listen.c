/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-window"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lq-analyzer.h"
#include "lq-ltas.h"
#include "lq-preset.h"
#include "lq-track-row.h"
#include "lq-window-private.h"

/*
 * The listening side of the window: the meters follow the transport's player, and the A/B
 * area of the header (processed/unprocessed, the reference selector with Add Reference, the
 * loudness match with its gain, the reference position mode). The window keeps the listening
 * state (the player is replaced after structural edits) and gives it to each new player.
 */

/* ---- Helpers ---- */

static LqTrack *
reference_at (LqWindow *self,
              int       index)
{
  GListModel *refs = lq_project_get_references (self->project);
  LqTrack *track;

  if (index < 0 || (guint) index >= g_list_model_get_n_items (refs))
    return NULL;
  track = g_list_model_get_item (refs, index);
  g_object_unref (track); /* the store keeps a reference */
  return track;
}

static char *
reference_name (LqTrack *track)
{
  const char *title = lq_track_get_title (track);

  if (title != NULL && *title)
    return g_strdup (title);
  if (lq_track_get_file (track) != NULL)
    return g_file_get_basename (lq_track_get_file (track));
  return g_strdup (_("Reference"));
}

static LqAnalysis *
lookup_analysis (LqWindow *self,
                 LqTrack  *track)
{
  g_autofree char *uri = NULL;

  if (lq_track_get_file (track) == NULL)
    return NULL;
  uri = g_file_get_uri (lq_track_get_file (track));
  return g_hash_table_lookup (self->loudness, uri);
}

/* ---- The header's A/B area ---- */

static void
update_match_label (LqWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *accessible = NULL;
  double gain = NAN;

  if (self->player != NULL && lq_player_get_measured (self->player))
    gain = lq_player_get_match_gain (self->player);
  if (!self->match)
    text = g_strdup (_("Match Off"));
  else if (isfinite (gain))
    {
      g_autofree char *db = lq_format_db (gain, "dB");
      /* Translators: the loudness-match gain applied to what is heard, "Match −3.2 dB" */
      text = g_strdup_printf (_("Match %s"), db);
    }
  else if (self->measuring != NULL)
    text = g_strdup (_("Measuring…"));
  else
    text = g_strdup (_("Match"));
  gtk_label_set_label (self->match_label, text);
  /* Translators: the accessible name of the loudness-match button with its state */
  accessible = g_strdup_printf (_("Loudness match: %s"), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->match_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
}

static void
update_reference_label (LqWindow *self)
{
  LqTrack *track = reference_at (self, self->reference);
  g_autofree char *name = track != NULL ? reference_name (track) : g_strdup (_("Album"));
  g_autofree char *accessible = NULL;

  gtk_label_set_label (self->reference_label, name);
  /* Translators: the accessible name of the reference selector: "Listening to: Album" */
  accessible = g_strdup_printf (_("Listening to: %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reference_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
}

/* The references in the selector, each with its integrated loudness and true peak. */
static void
update_reference_menu (LqWindow *self)
{
  GListModel *refs = lq_project_get_references (self->project);
  guint n = g_list_model_get_n_items (refs);

  g_menu_remove_all (self->references_section);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LqTrack) track = g_list_model_get_item (refs, i);
      g_autofree char *name = reference_name (track);
      LqAnalysis *analysis = lookup_analysis (self, track);
      g_autofree char *lufs = lq_format_db (analysis != NULL ? analysis->integrated_lufs : NAN, "LUFS");
      g_autofree char *tp = lq_format_db (analysis != NULL ? analysis->true_peak_dbtp : NAN, "dBTP");
      /* Translators: a reference in the selector: its name, integrated loudness and true peak */
      g_autofree char *label = g_strdup_printf (_("%s · %s · %s"), name, lufs, tp);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.reference", g_variant_new_int32 ((int) i));
      g_menu_append_item (self->references_section, item);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-reference", self->reference >= 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.toggle-reference", n > 0);
  update_reference_label (self);
}

/* ---- Measuring ---- */

static void
measured_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LqWindow) self = _lq_window_weak_take (user_data);
  g_autoptr(GError) error = NULL;
  gboolean ok = lq_player_measure_finish (LQ_PLAYER (object), result, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->measuring);
  if (!ok)
    _lq_window_show_error (self, error);
  update_match_label (self);
}

/* Measures the album's sides and the references for the loudness match (once per player). */
static void
measure_player (LqWindow *self)
{
  if (self->player == NULL || self->measuring != NULL || lq_player_get_measured (self->player)
      || self->measured_player == self->player)
    return;
  self->measured_player = self->player;
  self->measuring = g_cancellable_new ();
  lq_player_measure_async (self->player, self->measuring, measured_cb, _lq_window_weak_new (self));
  update_match_label (self);
}

static void start_reference_analysis (LqWindow *self);

static void
reference_analysis_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(LqWindow) self = _lq_window_weak_take (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAlbumAnalysis) album = lq_analyze_album_finish (result, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->reference_analysis);
  if (album == NULL)
    {
      _lq_window_show_error (self, error);
      return;
    }
  for (guint i = 0; i < album->n_tracks; i++)
    {
      if (album->tracks[i] != NULL)
        {
          LqAnalysis *analysis = g_steal_pointer (&album->tracks[i]);
          g_hash_table_replace (self->loudness, g_file_get_uri (analysis->file), analysis);
        }
      else if (album->errors[i] != NULL)
        _lq_window_show_error (self, album->errors[i]);
    }
  update_reference_menu (self);
  /* References added meanwhile */
  start_reference_analysis (self);
}

/* Measures the integrated loudness and true peak of the references not measured yet. */
static void
start_reference_analysis (LqWindow *self)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *refs = lq_project_get_references (self->project);

  if (self->reference_analysis != NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (refs); i++)
    {
      g_autoptr(LqTrack) track = g_list_model_get_item (refs, i);
      if (lq_track_get_file (track) != NULL && !lq_track_get_missing (track)
          && lookup_analysis (self, track) == NULL)
        g_ptr_array_add (files, g_object_ref (lq_track_get_file (track)));
    }
  if (files->len == 0)
    return;
  self->reference_analysis = g_cancellable_new ();
  lq_analyze_album_async ((GFile * const *) files->pdata, files->len, 0, self->reference_analysis,
                          NULL, NULL, NULL, reference_analysis_cb, _lq_window_weak_new (self));
}

/* ---- The reference's long-term spectrum ---- */

static void
show_ltas (LqWindow *self,
           LqLtas   *ltas)
{
  LqSpectrumView *spectrum = lq_meters_panel_get_spectrum (self->meters_panel);

  if (ltas == NULL)
    lq_spectrum_view_set_reference (spectrum, NULL, NULL, 0);
  else
    lq_spectrum_view_set_reference (spectrum, lq_ltas_get_frequencies (ltas), lq_ltas_get_levels (ltas),
                                    lq_ltas_get_n_points (ltas));
}

typedef struct
{
  GWeakRef window;
  GFile *file;   /* the reference measured */
} LtasJob;

static void
ltas_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  LtasJob *job = user_data;
  g_autoptr(LqWindow) self = g_weak_ref_get (&job->window);
  g_autoptr(GFile) file = job->file;
  g_autoptr(GError) error = NULL;
  g_autoptr(LqLtas) ltas = lq_ltas_new_for_file_finish (result, &error);
  LqTrack *track;

  g_weak_ref_clear (&job->window);
  g_free (job);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->ltas_cancellable);
  if (ltas == NULL)
    {
      _lq_window_show_error (self, error);
      return;
    }
  track = reference_at (self, self->last_reference);
  if (track != NULL && lq_track_get_file (track) != NULL && g_file_equal (lq_track_get_file (track), file))
    show_ltas (self, ltas);
  g_hash_table_replace (self->ltas, g_file_get_uri (file), g_steal_pointer (&ltas));
}

/* The spectrum overlays the long-term spectrum of the last selected reference. */
static void
update_ltas (LqWindow *self)
{
  LqTrack *track = reference_at (self, self->last_reference);
  g_autofree char *uri = NULL;
  LqLtas *ltas;
  LtasJob *job;

  if (self->ltas_cancellable != NULL)
    g_cancellable_cancel (self->ltas_cancellable);
  g_clear_object (&self->ltas_cancellable);
  if (track == NULL || lq_track_get_file (track) == NULL || lq_track_get_missing (track))
    {
      show_ltas (self, NULL);
      return;
    }
  uri = g_file_get_uri (lq_track_get_file (track));
  ltas = g_hash_table_lookup (self->ltas, uri);
  if (ltas != NULL)
    {
      show_ltas (self, ltas);
      return;
    }
  show_ltas (self, NULL);
  self->ltas_cancellable = g_cancellable_new ();
  job = g_new0 (LtasJob, 1);
  g_weak_ref_init (&job->window, self);
  job->file = g_object_ref (lq_track_get_file (track));
  lq_ltas_new_for_file_async (job->file, LQ_LTAS_DEFAULT_POINTS, LQ_LTAS_DEFAULT_SMOOTHING,
                              self->ltas_cancellable, ltas_cb, job);
}

/* ---- Settings ---- */

/* The spectrum settings of the preferences, on every spectrum analyzer of the player (the
 * one on what is heard and the one on the unprocessed source). */
static void
apply_spectrum_settings (LqWindow *self)
{
  g_autoptr(GstIterator) it = NULL;
  GValue item = G_VALUE_INIT;
  guint fft_size, smoothing;

  if (self->settings == NULL || self->player == NULL)
    return;
  fft_size = g_settings_get_uint (self->settings, "spectrum-fft-size");
  smoothing = g_settings_get_uint (self->settings, "spectrum-smoothing");
  it = gst_bin_iterate_all_by_element_factory_name (GST_BIN (lq_player_get_pipeline (self->player)), "lqspectrum");
  while (it != NULL && gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GObject *element = g_value_get_object (&item);

      /* fft-size in samples; smoothing as 1/N octave (0 off) */
      g_object_set (element, "fft-size", fft_size, "smoothing", (double) smoothing, NULL);
      g_value_reset (&item);
    }
  g_value_unset (&item);
}

/* A key of the application's settings changed (or is read the first time). */
void
_lq_window_listen_settings_changed (LqWindow   *self,
                                    const char *key)
{
  if (g_str_equal (key, "default-delivery-preset"))
    {
      g_autofree char *id = g_settings_get_string (self->settings, key);

      /* The loudness view draws the preset's target */
      lq_loudness_view_set_preset (lq_meters_panel_get_loudness (self->meters_panel), lq_preset_lookup (id));
    }
  else if (g_str_equal (key, "spectrum-fft-size") || g_str_equal (key, "spectrum-smoothing"))
    apply_spectrum_settings (self);
}

/* ---- The player ---- */

static void
apply_reference (LqWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->player == NULL)
    return;
  if (!lq_player_set_reference (self->player, reference_at (self, self->reference), &error))
    {
      _lq_window_show_error (self, error);
      self->reference = -1;
      update_reference_menu (self);
      g_object_notify (G_OBJECT (self), "reference");
    }
}

static void
player_notify_cb (LqWindow   *self,
                  GParamSpec *pspec,
                  LqPlayer   *player)
{
  update_match_label (self);
}

static void
player_changed_cb (LqWindow    *self,
                   GParamSpec  *pspec,
                   LqTransport *transport)
{
  LqPlayer *player = lq_transport_get_player (transport);

  if (player == self->player)
    return;
  if (self->player != NULL)
    g_signal_handlers_disconnect_by_data (self->player, self);
  if (self->measuring != NULL)
    g_cancellable_cancel (self->measuring);
  g_clear_object (&self->measuring);
  g_set_weak_pointer (&self->player, player);
  lq_meters_panel_set_player (self->meters_panel, player);
  if (player != NULL)
    {
      lq_player_set_match (player, self->match);
      lq_player_set_ab_side (player, self->ab_side);
      lq_player_set_reference_position (player, self->reference_position);
      apply_reference (self);
      apply_spectrum_settings (self);
      g_signal_connect_object (player, "notify::match-gain", G_CALLBACK (player_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (player, "notify::measured", G_CALLBACK (player_notify_cb), self, G_CONNECT_SWAPPED);
      /* A comparison was going on: keep it matched. */
      if (self->match && (self->ab_side != LQ_AB_PROCESSED || self->reference >= 0))
        measure_player (self);
    }
  update_match_label (self);
}

/* ---- State (the window's properties) ---- */

void
_lq_window_set_ab_side (LqWindow *self,
                        LqAbSide  side)
{
  if (self->ab_side == side)
    return;
  self->ab_side = side;
  if (self->player != NULL)
    {
      lq_player_set_ab_side (self->player, side);
      if (self->match)
        measure_player (self);
    }
  g_object_notify (G_OBJECT (self), "ab-side");
}

void
_lq_window_set_match (LqWindow *self,
                      gboolean  match)
{
  match = !!match;
  if (self->match == match)
    return;
  self->match = match;
  if (self->player != NULL)
    {
      lq_player_set_match (self->player, match);
      if (match && (self->ab_side != LQ_AB_PROCESSED || self->reference >= 0))
        measure_player (self);
    }
  update_match_label (self);
  g_object_notify (G_OBJECT (self), "match");
}

void
_lq_window_set_reference (LqWindow *self,
                          int       index)
{
  if (reference_at (self, index) == NULL)
    index = -1;
  if (self->reference == index)
    return;
  self->reference = index;
  if (index >= 0 && index != self->last_reference)
    {
      self->last_reference = index;
      update_ltas (self);
    }
  apply_reference (self);
  if (self->player != NULL && self->match && self->reference >= 0)
    measure_player (self);
  update_reference_menu (self);
  g_object_notify (G_OBJECT (self), "reference");
}

void
_lq_window_set_reference_position (LqWindow            *self,
                                   LqReferencePosition  position)
{
  if (self->reference_position == position)
    return;
  self->reference_position = position;
  if (self->player != NULL)
    lq_player_set_reference_position (self->player, position);
  g_object_notify (G_OBJECT (self), "reference-position");
}

/* ---- Model ---- */

static void
references_changed_cb (LqWindow   *self,
                       guint       position,
                       guint       removed,
                       guint       added,
                       GListModel *model)
{
  guint n = g_list_model_get_n_items (model);

  /* A reference removed (or undone): back to the album when it was the one heard. */
  if (self->reference >= (int) n || (removed > 0 && self->reference >= (int) position))
    _lq_window_set_reference (self, -1);
  if (self->last_reference >= (int) n || (removed > 0 && self->last_reference >= (int) position))
    {
      self->last_reference = n > 0 ? (int) n - 1 : -1;
      update_ltas (self);
    }
  if (added > 0)
    {
      /* R switches to the newest reference. */
      self->last_reference = (int) (position + added - 1);
      update_ltas (self);
      start_reference_analysis (self);
      /* The player measures its references for the loudness match. */
      if (self->player != NULL && self->match)
        {
          self->measured_player = NULL;
          measure_player (self);
        }
    }
  update_reference_menu (self);
}

/* ---- Actions ---- */

static void
toggle_ab_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);

  _lq_window_set_ab_side (self, self->ab_side == LQ_AB_PROCESSED ? LQ_AB_UNPROCESSED : LQ_AB_PROCESSED);
}

static void
toggle_reference_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  GListModel *refs = lq_project_get_references (self->project);
  guint n = g_list_model_get_n_items (refs);

  if (n == 0)
    return;
  if (self->reference >= 0)
    _lq_window_set_reference (self, -1);
  else
    _lq_window_set_reference (self, self->last_reference >= 0 && (guint) self->last_reference < n
                                    ? self->last_reference : 0);
}

void
_lq_window_add_references (LqWindow  *self,
                           GFile    **files,
                           guint      n_files)
{
  GListStore *store = G_LIST_STORE (lq_project_get_references (self->project));

  if (n_files > 1)
    lq_history_begin_group (self->history, _("Add References"));
  for (guint i = 0; i < n_files; i++)
    {
      g_autoptr(LqTrack) track = lq_track_new (files[i]);
      g_autoptr(GError) error = NULL;

      /* Reads the file's header only: quick enough for the main thread. */
      if (!lq_track_probe (track, NULL, &error))
        {
          _lq_window_show_error (self, error);
          continue;
        }
      lq_history_list_insert (self->history, store, g_list_model_get_n_items (G_LIST_MODEL (store)), track,
                              _("Add Reference"));
    }
  if (n_files > 1)
    lq_history_end_group (self->history);
}

static void
add_reference_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  _lq_window_choose_audio_files (LQ_WINDOW (widget), _("Add Reference"), _lq_window_add_references);
}

static void
remove_reference_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  int index = self->reference;

  if (index < 0)
    return;
  _lq_window_set_reference (self, -1);
  lq_history_list_remove (self->history, G_LIST_STORE (lq_project_get_references (self->project)),
                          (guint) index, _("Remove Reference"));
}

/* ---- The loudness view's programme values ---- */

/* The track under the playhead and the album as delivered, the values the track list shows. */
void
_lq_window_update_programme (LqWindow *self)
{
  LqLoudnessView *view = lq_meters_panel_get_loudness (self->meters_panel);
  LqTrack *track = NULL;

  if (self->playhead_track >= 0 && (guint) self->playhead_track < lq_project_get_n_tracks (self->project))
    track = lq_project_get_track (self->project, self->playhead_track);
  lq_loudness_view_set_programme (view, track != NULL ? (guint) self->playhead_track + 1 : 0,
                                  track != NULL ? _lq_window_lookup_delivered (self, track) : NULL,
                                  self->delivered != NULL ? &self->delivered->album : NULL,
                                  self->delivered_stale);
}

/* ---- Setup ---- */

void
_lq_window_listen_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.toggle-ab", NULL, toggle_ab_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-reference", NULL, toggle_reference_action);
  gtk_widget_class_install_action (widget_class, "win.add-reference", NULL, add_reference_action);
  gtk_widget_class_install_action (widget_class, "win.remove-reference", NULL, remove_reference_action);
}

void
_lq_window_listen_init (LqWindow *self)
{
  self->match = TRUE;
  self->ab_side = LQ_AB_PROCESSED;
  self->reference = -1;
  self->last_reference = -1;
  self->reference_position = LQ_REFERENCE_POSITION_SHARED;
  self->ltas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) lq_ltas_free);
  g_signal_connect_object (self->transport, "notify::player", G_CALLBACK (player_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_match_label (self);
}

/* The window shows another project: forget the old one's references and meters. */
void
_lq_window_listen_set_project (LqWindow  *self,
                               LqProject *old_project)
{
  if (old_project != NULL)
    g_signal_handlers_disconnect_by_func (lq_project_get_references (old_project), references_changed_cb, self);
  if (self->reference_analysis != NULL)
    g_cancellable_cancel (self->reference_analysis);
  g_clear_object (&self->reference_analysis);
  self->reference = -1;
  self->last_reference = (int) g_list_model_get_n_items (lq_project_get_references (self->project)) - 1;
  self->measured_player = NULL;
  g_signal_connect_object (lq_project_get_references (self->project), "items-changed",
                           G_CALLBACK (references_changed_cb), self, G_CONNECT_SWAPPED);
  lq_meters_panel_reset (self->meters_panel);
  update_ltas (self);
  update_reference_menu (self);
  start_reference_analysis (self);
  g_object_notify (G_OBJECT (self), "reference");
}

void
_lq_window_listen_dispose (LqWindow *self)
{
  if (self->player != NULL)
    g_signal_handlers_disconnect_by_data (self->player, self);
  g_clear_weak_pointer (&self->player);
  if (self->measuring != NULL)
    g_cancellable_cancel (self->measuring);
  g_clear_object (&self->measuring);
  if (self->reference_analysis != NULL)
    g_cancellable_cancel (self->reference_analysis);
  g_clear_object (&self->reference_analysis);
  if (self->ltas_cancellable != NULL)
    g_cancellable_cancel (self->ltas_cancellable);
  g_clear_object (&self->ltas_cancellable);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (lq_project_get_references (self->project), references_changed_cb, self);
  g_clear_pointer (&self->ltas, g_hash_table_unref);
}
