package dev.fifokit.bridge;

import dev.fifokit.messages.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The protocol without sockets: handshakes, senders and receivers over {@link MemoryLinks},
 * with links cut at chosen moments. What holds here holds for every transport.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtocolSeamTest {
    static final Duration LIMIT = Duration.ofSeconds(30);
    static final BridgeOptions OPTIONS = BridgeOptions.defaults().replayLimit(64, 1 << 20);

    /** A sink that keeps what it is given; {@link #pause} makes each write slow. */
    static final class RecordingSink implements LocalEnds.MessageSink {
        final List<Message> got = Collections.synchronizedList(new ArrayList<>());
        volatile long pause;

        @Override
        public void deliver(long type, byte[] payload) throws IOException {
            if (pause > 0) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
            got.add(new Message(type, payload));
        }

        @Override
        public int maxPayload() {
            return 4080;
        }

        @Override
        public void release() {
        }

        @Override
        public void close() {
        }
    }

    static Wire.Hello hello(int role, byte[] instance) {
        return new Wire.Hello(role, BridgeFormat.MESG, instance, 4080, 0, null);
    }

    static byte[] instance(int n) {
        byte[] b = new byte[16];
        b[0] = (byte) n;
        b[15] = 42;
        return b;
    }

    static Outbox outbox(int count, boolean ended) throws InterruptedException {
        Outbox o = new Outbox();
        o.allowOverflow();
        for (int i = 0; i < count; i++) {
            o.put(Message.of(i, "m" + i));
        }
        if (ended) {
            o.end();
        }
        return o;
    }

    /** The listener's side of a handshake as {@code AcceptedLink} does it: accept, claim, welcome. */
    static <S extends Sessions.Session> Sessions.Claim<S> listen(Link link, int role, Sessions<S> sessions,
                                                                 Function<Handshake.Proven, S> open) throws IOException {
        Handshake.Proven p = Handshake.accept(link, hello(role, instance(99)), sessions::keyOf);
        Sessions.Claim<S> c;
        try {
            c = sessions.claim(p.peer().instance(), p.key(), null, () -> open.apply(p), link);
        } catch (Refusal r) {
            Handshake.refuse(link, r, "refused");
            throw r;
        }
        Handshake.welcome(link, c.resumed());
        return c;
    }

    @Test
    void everyMessageCrossesOnceAndTheSessionCompletes() throws Exception {
        Outbox out = outbox(1000, true);
        SenderSession session = new SenderSession(instance(1), null, null, OPTIONS, out);
        ReceiverSession state = new ReceiverSession(instance(1), null, null);
        RecordingSink sink = new RecordingSink();
        Counters counters = new Counters();
        MemoryLinks.Pair p = MemoryLinks.pair("connector", "listener");
        try (ExecutorService ex = Fifos.threads()) {
            Future<Sender.Ending> s = ex.submit(() -> new Sender(p.connector(), session, out, out::exhausted, counters).run(() -> { }));
            Future<Sender.Ending> r = ex.submit(() -> new Receiver(p.listener(), state, sink, counters).run(() -> { }));
            assertThat(Fifos.get(s, LIMIT)).isEqualTo(Sender.Ending.COMPLETE);
            assertThat(Fifos.get(r, LIMIT)).isEqualTo(Sender.Ending.COMPLETE);
        }
        assertThat(sink.got).extracting(Message::type).containsExactlyElementsOf(range(1000));
        assertThat(session.buffer.drained()).isTrue();
        assertThat(state.finished).isTrue();
    }

    @Test
    void linksCutAgainAndAgainStillWriteEachMessageExactlyOnce() throws Exception {
        int total = 3000;
        Outbox out = outbox(total, true);
        SenderSession session = new SenderSession(instance(1), null, null, OPTIONS, out);
        ReceiverSession state = new ReceiverSession(instance(1), null, null);
        RecordingSink sink = new RecordingSink();
        Counters counters = new Counters();
        try (ExecutorService ex = Fifos.threads()) {
            for (int link = 0; ; link++) {
                MemoryLinks.Pair p = MemoryLinks.pair("connector", "listener");
                Future<Sender.Ending> s = ex.submit(() -> new Sender(p.connector(), session, out, out::exhausted, counters).run(() -> { }));
                Future<Sender.Ending> r = ex.submit(() -> new Receiver(p.listener(), state, sink, counters).run(() -> { }));
                if (link < 6) {
                    int before = sink.got.size();
                    dev.fifokit.testing.Await.until(LIMIT, "messages flow on link " + link,
                            () -> sink.got.size() >= before + 200 || r.isDone());
                    p.cut();
                }
                try {
                    if (Fifos.get(s, LIMIT) == Sender.Ending.COMPLETE && Fifos.get(r, LIMIT) == Sender.Ending.COMPLETE) {
                        break;
                    }
                } catch (java.util.concurrent.ExecutionException cut) {
                    assertThat(link).as("only the links cut fail").isLessThan(6);
                }
            }
        }
        assertThat(sink.got).extracting(Message::type).containsExactlyElementsOf(range(total));
        assertThat(counters.replayed.get()).as("messages sent again after cuts").isPositive();
    }

    @Test
    void replayStartsAsSoonAsTheLinkIsBackWhileTheSourceIsQuiet() throws Exception {
        Outbox out = outbox(2, false); // two messages, and the source stays open and silent
        SenderSession session = new SenderSession(instance(1), null, null, OPTIONS, out);
        Counters counters = new Counters();
        try (ExecutorService ex = Fifos.threads()) {
            // the first link carries both messages and is cut before any is acknowledged
            MemoryLinks.Pair first = MemoryLinks.pair("connector", "listener");
            Future<Sender.Ending> s1 = ex.submit(() -> new Sender(first.connector(), session, out, out::exhausted, counters).run(() -> { }));
            DataOutputStream ack = new DataOutputStream(first.listener().out());
            Wire.writeSeq(ack, Wire.ACK, 0);
            ack.flush();
            DataInputStream in = new DataInputStream(first.listener().in());
            assertThat(Wire.readFrame(in, "sender", 4080).seq()).isEqualTo(1);
            assertThat(Wire.readFrame(in, "sender", 4080).seq()).isEqualTo(2);
            first.cut();
            assertThatThrownBy(() -> Fifos.get(s1, LIMIT)).hasCauseInstanceOf(IOException.class);

            // the second link gets them without the source saying another word
            RecordingSink sink = new RecordingSink();
            ReceiverSession state = new ReceiverSession(instance(1), null, null);
            MemoryLinks.Pair second = MemoryLinks.pair("connector", "listener");
            ex.submit(() -> new Sender(second.connector(), session, out, out::exhausted, counters).run(() -> { }));
            ex.submit(() -> new Receiver(second.listener(), state, sink, counters).run(() -> { }));
            dev.fifokit.testing.Await.until(LIMIT, "the two messages replayed", () -> sink.got.size() == 2);
            assertThat(sink.got).extracting(Message::text).containsExactly("m0", "m1");
            dev.fifokit.testing.Await.until(LIMIT, "acknowledged", () -> session.buffer.drained());
            second.cut();
        }
    }

    @Test
    void aReceiverThatLeavesSaysSoAndWhatItNeverWroteGoesBackForTheNextOne() throws Exception {
        int total = 500;
        Outbox out = outbox(total, true);
        SenderSession session = new SenderSession(instance(1), null, null, OPTIONS, out);
        ReceiverSession state = new ReceiverSession(instance(1), null, null);
        RecordingSink sink = new RecordingSink();
        sink.pause = 1;
        Counters counters = new Counters();
        MemoryLinks.Pair p = MemoryLinks.pair("connector", "listener");
        try (ExecutorService ex = Fifos.threads()) {
            Receiver receiver = new Receiver(p.listener(), state, sink, counters);
            Future<Sender.Ending> s = ex.submit(() -> new Sender(p.connector(), session, out, out::exhausted, counters).run(() -> { }));
            Future<Sender.Ending> r = ex.submit(() -> receiver.run(() -> { }));
            dev.fifokit.testing.Await.until(LIMIT, "some written", () -> sink.got.size() >= 50);
            receiver.leave();
            assertThat(Fifos.get(r, LIMIT)).isEqualTo(Sender.Ending.LEFT);
            assertThat(Fifos.get(s, LIMIT)).isEqualTo(Sender.Ending.LEFT);
        }
        int written = sink.got.size();
        assertThat(written).isLessThan(total);
        assertThat(session.buffer.messages()).as("held: sent after the receiver's last write").isLessThanOrEqualTo(64);
        session.giveBack();
        assertThat(out.size()).as("every message not written is back in the outbox").isEqualTo(total - written);
        assertThat(out.poll().type()).as("in order, from the first not written").isEqualTo(written);
    }

    @Test
    void aResumePointBeyondWhatWasSentIsRefusedByType() throws Exception {
        Outbox out = outbox(0, false);
        SenderSession session = new SenderSession(instance(1), null, null, OPTIONS, out);
        MemoryLinks.Pair p = MemoryLinks.pair("connector", "listener");
        DataOutputStream liar = new DataOutputStream(p.listener().out());
        Wire.writeSeq(liar, Wire.ACK, 999);
        liar.flush();
        assertThatThrownBy(() -> new Sender(p.connector(), session, out, out::exhausted, new Counters()).run(() -> { }))
                .isInstanceOf(ReplayBuffer.BadAcknowledgement.class).hasMessageContaining("999");
    }

    @Test
    void aSessionIsResumedOnlyByTheConnectionThatProvesItsKey() throws Exception {
        Sessions<ReceiverSession> sessions = new Sessions<>(8, s -> { });
        Function<Handshake.Proven, ReceiverSession> open = pr -> new ReceiverSession(pr.peer().instance(), pr.key(), null);
        Handshake.Memory genuine = new Handshake.Memory();
        byte[] id = instance(7);
        try (ExecutorService ex = Fifos.threads()) {
            // the genuine sender opens its session, and comes back to it
            for (int i = 0; i < 2; i++) {
                MemoryLinks.Pair p = MemoryLinks.pair("genuine", "listener");
                Future<Sessions.Claim<ReceiverSession>> l = ex.submit(() -> listen(p.listener(), Wire.ROLE_RECEIVER, sessions, open));
                Handshake.Dialled d = Handshake.dial(p.connector(), hello(Wire.ROLE_SENDER, id), genuine);
                assertThat(d.resumed()).isEqualTo(i == 1);
                assertThat(Fifos.get(l, LIMIT).resumed()).isEqualTo(i == 1);
            }
            ReceiverSession held = sessions.all().getFirst();
            assertThat(held.connected()).isTrue();

            // an impostor that knows the instance (it crosses in every HELLO) but not the key
            MemoryLinks.Pair p = MemoryLinks.pair("impostor", "listener");
            Future<Sessions.Claim<ReceiverSession>> l = ex.submit(() -> listen(p.listener(), Wire.ROLE_RECEIVER, sessions, open));
            assertThatThrownBy(() -> Handshake.dial(p.connector(), hello(Wire.ROLE_SENDER, id), new Handshake.Memory()))
                    .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo(Refusal.NOT_YOURS));
            assertThatThrownBy(() -> Fifos.get(l, LIMIT)).hasCauseInstanceOf(Refusal.class);
            assertThat(sessions.all()).containsExactly(held);
            assertThat(held.connected()).as("the genuine link was not touched").isTrue();
        }
    }

    @Test
    void aFullTableRefusesANewFarSideAsBusyWhichAConnectorRetries() throws Exception {
        Sessions<ReceiverSession> sessions = new Sessions<>(1, s -> { });
        Function<Handshake.Proven, ReceiverSession> open = pr -> new ReceiverSession(pr.peer().instance(), pr.key(), null);
        try (ExecutorService ex = Fifos.threads()) {
            MemoryLinks.Pair first = MemoryLinks.pair("first", "listener");
            Future<?> l1 = ex.submit(() -> listen(first.listener(), Wire.ROLE_RECEIVER, sessions, open));
            Handshake.dial(first.connector(), hello(Wire.ROLE_SENDER, instance(1)), new Handshake.Memory());
            Fifos.get(l1, LIMIT);
            MemoryLinks.Pair second = MemoryLinks.pair("second", "listener");
            Future<?> l2 = ex.submit(() -> listen(second.listener(), Wire.ROLE_RECEIVER, sessions, open));
            assertThatThrownBy(() -> Handshake.dial(second.connector(), hello(Wire.ROLE_SENDER, instance(2)),
                    new Handshake.Memory()))
                    .isInstanceOfSatisfying(Refusal.class, r -> {
                        assertThat(r.isBusy()).isTrue();
                        assertThat(r.isFatal()).as("a connector dials again later").isFalse();
                    });
            assertThatThrownBy(() -> Fifos.get(l2, LIMIT)).hasCauseInstanceOf(Refusal.class);
        }
    }

    @Test
    void sidesThatCannotWorkTogetherAreRefusedForGood() throws Exception {
        Sessions<ReceiverSession> sessions = new Sessions<>(8, s -> { });
        MemoryLinks.Pair p = MemoryLinks.pair("c", "l");
        try (ExecutorService ex = Fifos.threads()) {
            Future<?> l = ex.submit(() -> listen(p.listener(), Wire.ROLE_SENDER, sessions,
                    pr -> new ReceiverSession(pr.peer().instance(), pr.key(), null)));
            assertThatThrownBy(() -> Handshake.dial(p.connector(), hello(Wire.ROLE_SENDER, instance(1)), new Handshake.Memory()))
                    .isInstanceOfSatisfying(Refusal.class, r -> {
                        assertThat(r.isFatal()).isTrue();
                        assertThat(r.getMessage()).contains("both sides send");
                    });
            assertThatThrownBy(() -> Fifos.get(l, LIMIT)).hasCauseInstanceOf(Refusal.class);
        }
    }

    @Test
    void theReplayBufferGivesBackWhatWasNeverSentAndRefusesAckBeyondSent() throws Exception {
        ReplayBuffer b = new ReplayBuffer(4, 1 << 20, () -> { });
        for (int i = 0; i < 4; i++) {
            b.append(Message.of(i, "x"));
        }
        assertThat(b.hasRoom()).isFalse();
        assertThatThrownBy(() -> b.acknowledge(5, "peer")).isInstanceOf(ReplayBuffer.BadAcknowledgement.class);
        b.acknowledge(1, "peer");
        assertThat(b.takeFrom(3)).extracting(Message::type).containsExactly(2L, 3L);
        assertThat(b.nextSeq()).isEqualTo(3);
        assertThat(b.messages()).isEqualTo(1);
        assertThat(b.append(Message.of(9, "y"))).as("numbers are reused: the far side never saw them").isEqualTo(3);
    }

    private static List<Long> range(int n) {
        List<Long> l = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }
}
