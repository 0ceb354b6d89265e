package io.switchboard.channel.app.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;

/** What the in-app channel keeps of a person: their devices and the frames sent to them. */
final class DeviceData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM app_delivery WHERE address = ?", person.addressesOn(Lines.CHANNEL));
        PersonalData.deleteEach(s, "DELETE FROM app_device WHERE address = ?", person.addressesOn(Lines.CHANNEL));
    }
}
