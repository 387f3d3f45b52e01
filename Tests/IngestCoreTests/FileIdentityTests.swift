import IngestCore
import Testing

@Suite struct FileIdentityTests {
    @Test func theGenerationTellsApartFilesThatHadTheSameInodeNumber() {
        let read = FileIdentity(device: 1, inode: 7, generation: 40)
        #expect(read.isSameFile(as: FileIdentity(device: 1, inode: 7, generation: 40)))
        #expect(!read.isSameFile(as: FileIdentity(device: 1, inode: 7, generation: 41)))
        #expect(!read.isSameFile(as: FileIdentity(device: 1, inode: 8, generation: 40)))
        #expect(!read.isSameFile(as: FileIdentity(device: 2, inode: 7, generation: 40)))
    }

    /// Where either side could not get a handle, device and inode decide, as they did before.
    @Test func withoutAGenerationDeviceAndInodeDecide() {
        let read = FileIdentity(device: 1, inode: 7)
        #expect(read.isSameFile(as: FileIdentity(device: 1, inode: 7, generation: 40)))
        #expect(FileIdentity(device: 1, inode: 7, generation: 40).isSameFile(as: read))
        #expect(!read.isSameFile(as: FileIdentity(device: 1, inode: 8)))
    }
}
