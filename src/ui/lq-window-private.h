/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lq-album-layout.h"
#include "lq-autosave.h"
#include "lq-chain-panel.h"
#include "lq-history.h"
#include "lq-inspector.h"
#include "lq-meters-panel.h"
#include "lq-peak-store.h"
#include "lq-render.h"
#include "lq-timeline.h"
#include "lq-track-list.h"
#include "lq-transport.h"
#include "lq-waveform-view.h"
#include "lq-readout.h"
#include "lq-window.h"

G_BEGIN_DECLS

#define LQ_RECENT_MAX 10

typedef void (*LqWindowProceedFunc) (LqWindow *self,
                                     gpointer  data);
typedef struct _LqWindowPending LqWindowPending;

struct _LqWindow
{
  AdwApplicationWindow parent_instance;

  LqProject *project;            /* the album in the window */
  LqHistory *history;            /* its undo stack (one per project) */
  LqAutosave *autosave;          /* its crash-recovery copy */
  LqPeakStore *peaks;            /* waveform peaks of the tracks */
  LqAlbumLayout *layout;         /* the album in time, for the views */
  LqTransport *transport;        /* playback */
  GSettings *settings;           /* the application's, or NULL (tests) */
  GtkFileChooserNative *chooser; /* the open/save/add dialog showing, or NULL */
  GMenu *recent_menu;            /* the recent projects under the Open button */
  GHashTable *loudness;          /* reference file URI -> LqAnalysis (integrated, true peak) */
  LqAlbumLoudness *delivered;    /* the album measured as delivered, NULL before */
  gboolean delivered_stale;      /* the project changed audibly since it was measured */
  GCancellable *delivering;      /* the measurement running, or NULL */
  guint measure_idle;            /* a pending start of the measurement */
  char *delivered_error;         /* why the last measurement failed (shown once), or NULL */
  gboolean closing;              /* the user confirmed closing */
  int playing_track;             /* the track heard (project index), -1 none */
  int playhead_track;            /* the track under the playhead, playing or not, -1 none */
  LqWindowPending *pending;      /* what to do once saved (a close or open asked to save) */

  /* Listening (lq-window-listen.c): the state each new player is given */
  LqPlayer *player;              /* the transport's player now (a weak pointer), or NULL */
  LqAbSide ab_side;              /* A (processed) or B (unprocessed) */
  gboolean match;                /* loudness match on */
  int reference;                 /* the reference heard (index in the project's), -1 the album */
  int last_reference;            /* the reference R switches to, -1 none */
  LqReferencePosition reference_position; /* shared or own position */
  GCancellable *measuring;       /* the player's loudness measurement running, or NULL */
  LqPlayer *measured_player;     /* the player last asked to measure (compared only) */
  GCancellable *reference_analysis; /* the references' loudness analysis running, or NULL */
  GHashTable *ltas;              /* file URI -> LqLtas of a reference */
  GCancellable *ltas_cancellable; /* the long-term spectrum being computed, or NULL */

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  AdwSplitButton *open_button;
  GtkButton *play_button;
  LqReadout *position_label;  /* redrawn, never laid out again, as it changes */
  LqReadout *msf_label;
  gint64 readout_time;         /* when the clock was last redrawn (monotonic, µs) */
  GtkWidget *ab_area;
  GtkStack *main_stack;
  LqTrackList *track_list;
  GtkLabel *album_summary;
  LqInspector *inspector;
  LqTimeline *timeline;
  LqWaveformView *waveform;
  GtkToggleButton *processed_button;
  GtkWidget *chain_paned;
  GtkWidget *chain_panel;
  LqChainPanel *chain_view;
  GtkWidget *meters_area;
  LqMetersPanel *meters_panel;
  GtkLabel *reference_label;
  GtkMenuButton *reference_button;
  GMenu *references_section;
  GtkToggleButton *match_button;
  GtkLabel *match_label;
};

/* lq-window.c */
gpointer  _lq_window_weak_new  (LqWindow     *self);
LqWindow *_lq_window_weak_take (gpointer      weak);
void _lq_window_show_error   (LqWindow     *self,
                              const GError *error);
void _lq_window_toast        (LqWindow     *self,
                              const char   *message);
void _lq_window_save_to      (LqWindow     *self,
                              GFile        *file);
void _lq_window_cancel_pending (LqWindow   *self);
void _lq_window_add_recent   (LqWindow     *self,
                              GFile        *file);
void _lq_window_select_track (LqWindow     *self,
                              int           index,
                              gboolean      show);
void _lq_window_confirm_discard (LqWindow            *self,
                                 LqWindowProceedFunc  proceed,
                                 gpointer             data,
                                 GDestroyNotify       destroy);

/* lq-window-actions.c */
void _lq_window_class_init_actions (GtkWidgetClass *widget_class);
void _lq_window_init_actions       (LqWindow       *self);
void _lq_window_update_actions     (LqWindow       *self);
void _lq_window_save_as            (LqWindow       *self);

/* lq-window-listen.c */
void _lq_window_listen_class_init   (GtkWidgetClass *widget_class);
void _lq_window_listen_init         (LqWindow       *self);
void _lq_window_listen_set_project  (LqWindow       *self,
                                     LqProject      *old_project);
void _lq_window_listen_dispose      (LqWindow       *self);
void _lq_window_set_ab_side         (LqWindow       *self,
                                     LqAbSide        side);
void _lq_window_set_match           (LqWindow       *self,
                                     gboolean        match);
void _lq_window_set_reference       (LqWindow       *self,
                                     int             index);
void _lq_window_set_reference_position (LqWindow    *self,
                                     LqReferencePosition position);
void _lq_window_update_programme    (LqWindow       *self);
const LqLoudnessSummary *_lq_window_lookup_delivered (LqWindow *self,
                                                      LqTrack  *track);
void _lq_window_listen_settings_changed (LqWindow   *self,
                                     const char     *key);
void _lq_window_apply_default_chain (LqChain        *chain,
                                     const char     *description);
void _lq_window_add_references      (LqWindow       *self,
                                     GFile         **files,
                                     guint           n_files);

/* The peak cache folder the `cache-location` setting names ("~" expanded, its "peaks"
 * subfolder), or NULL for the default. */
char *_lq_window_peak_cache_dir (GSettings *settings);

void _lq_window_choose_audio_files (LqWindow   *self,
                                    const char *title,
                                    void      (*add) (LqWindow *self,
                                                      GFile   **files,
                                                      guint     n_files));

G_END_DECLS
